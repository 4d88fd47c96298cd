package dev.vessel.engine.supervise;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A container's health check, with Docker's defaults filled in. A disabled check (Docker's
 * {@code ["NONE"]}, {@code --no-healthcheck}, or nothing to run) has no {@code HealthConfig}:
 * the factories return {@link Optional#empty()} for it.
 *
 * @param test          Docker's form: {@code ["CMD", arg...]} (exec) or
 *                      {@code ["CMD-SHELL", command]} (through the container's shell)
 * @param interval      between the end of one probe and the start of the next, after the start period
 * @param timeout       a probe that runs longer fails
 * @param retries       consecutive failures that make the container unhealthy
 * @param startPeriod   time after the container's start in which failures do not count
 *                      (until the first success); zero for none
 * @param startInterval between probes during the start period
 * @param onFailure     what to do when the container becomes unhealthy (podman's {@code --health-on-failure})
 */
public record HealthConfig(List<String> test, Duration interval, Duration timeout, int retries,
                           Duration startPeriod, Duration startInterval, OnFailure onFailure) {

    public enum OnFailure { NONE, KILL, RESTART, STOP }

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_RETRIES = 3;
    public static final Duration DEFAULT_START_PERIOD = Duration.ZERO;
    public static final Duration DEFAULT_START_INTERVAL = Duration.ofSeconds(5);
    public static final List<String> DEFAULT_SHELL = List.of("/bin/sh", "-c");

    // Docker refuses anything shorter (containertypes.MinimumDuration); zero means "the default".
    static final Duration MINIMUM = Duration.ofMillis(1);

    public HealthConfig {
        test = List.copyOf(test);
        if (test.size() < 2 || !(test.getFirst().equals("CMD") || test.getFirst().equals("CMD-SHELL"))) {
            throw new IllegalArgumentException("health check test " + test
                    + ": use [\"CMD\", executable, arg...] or [\"CMD-SHELL\", command]");
        }
        requireAtLeast("interval", interval, MINIMUM);
        requireAtLeast("timeout", timeout, MINIMUM);
        requireAtLeast("startInterval", startInterval, MINIMUM);
        if (!startPeriod.isZero()) {
            requireAtLeast("startPeriod", startPeriod, MINIMUM);
        }
        if (retries < 1) {
            throw new IllegalArgumentException("health check retries " + retries + ": use 1 or more");
        }
        Objects.requireNonNull(onFailure, "onFailure");
    }

    private static void requireAtLeast(String field, Duration value, Duration minimum) {
        if (value.compareTo(minimum) < 0) {
            throw new IllegalArgumentException("health check " + field + " " + GoDuration.format(value)
                    + ": must be at least " + GoDuration.format(minimum));
        }
    }

    /**
     * The health check of {@code docker run}/{@code podman run} flags over the image's
     * {@code HEALTHCHECK}: each flag given replaces that field of the image's check, as Docker
     * merges them. A {@code null} argument is a flag not given; a zero duration or retry count
     * means the same (Docker's rule), so {@code --health-interval 0s} keeps the image's value.
     * Only {@code --health-cmd} says what to run (as {@code CMD-SHELL}); without it and without
     * an image check there is nothing to run and, as in Docker, no health check.
     *
     * @param image the image's check ({@link #fromImage}), empty if it has none or disables it
     * @throws IllegalArgumentException naming the flag and its value, for the first bad flag
     */
    public static Optional<HealthConfig> fromFlags(String cmd, String interval, String timeout, Integer retries,
                                                   String startPeriod, String startInterval, String onFailure,
                                                   boolean noHealthcheck, Optional<HealthConfig> image) {
        Duration intervalFlag = flagDuration("--health-interval", interval, "0s for the default (30s)");
        Duration timeoutFlag = flagDuration("--health-timeout", timeout, "0s for the default (30s)");
        Duration startPeriodFlag = flagDuration("--health-start-period", startPeriod, "0s for none");
        Duration startIntervalFlag = flagDuration("--health-start-interval", startInterval,
                "0s for the default (5s)");
        if (retries != null && retries < 0) {
            throw new IllegalArgumentException("--health-retries " + retries
                    + ": cannot be negative; use e.g. 3, or 0 for the default (3)");
        }
        Integer retriesFlag = retries == null || retries == 0 ? null : retries;
        OnFailure onFailureFlag = onFailure == null ? null : parseOnFailure(onFailure);
        String cmdFlag = cmd == null || cmd.isEmpty() ? null : cmd;

        if (noHealthcheck) {
            boolean anyHealthFlag = cmdFlag != null || intervalFlag != null || timeoutFlag != null
                    || retriesFlag != null || startPeriodFlag != null || startIntervalFlag != null
                    || (onFailureFlag != null && onFailureFlag != OnFailure.NONE);
            if (anyHealthFlag) {
                throw new IllegalArgumentException(
                        "--no-healthcheck conflicts with --health-* options; use one or the other");
            }
            return Optional.empty();
        }
        Optional<List<String>> test = cmdFlag != null
                ? Optional.of(List.of("CMD-SHELL", cmdFlag))
                : image.map(HealthConfig::test);
        return test.map(t -> new HealthConfig(t,
                or(intervalFlag, image.map(HealthConfig::interval), DEFAULT_INTERVAL),
                or(timeoutFlag, image.map(HealthConfig::timeout), DEFAULT_TIMEOUT),
                or(retriesFlag, image.map(HealthConfig::retries), DEFAULT_RETRIES),
                or(startPeriodFlag, image.map(HealthConfig::startPeriod), DEFAULT_START_PERIOD),
                or(startIntervalFlag, image.map(HealthConfig::startInterval), DEFAULT_START_INTERVAL),
                or(onFailureFlag, image.map(HealthConfig::onFailure), OnFailure.NONE)));
    }

    private static <T> T or(T flag, Optional<T> image, T fallback) {
        return flag != null ? flag : image.orElse(fallback);
    }

    /** The flag's duration, or {@code null} if not given or zero. */
    private static Duration flagDuration(String flag, String value, String zeroMeans) {
        if (value == null) {
            return null;
        }
        Duration d;
        try {
            d = GoDuration.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + " \"" + value
                    + "\": not a duration; use e.g. 30s, 1m30s or 500ms");
        }
        return checked(flag + " \"" + value + "\"", d, zeroMeans);
    }

    /** Docker's rule for every health duration: zero is "not set", otherwise at least 1ms. */
    private static Duration checked(String what, Duration d, String zeroMeans) {
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + ": cannot be negative; use e.g. 30s, or " + zeroMeans);
        }
        if (!d.isZero() && d.compareTo(MINIMUM) < 0) {
            throw new IllegalArgumentException(what + ": must be at least 1ms; use e.g. 30s, or " + zeroMeans);
        }
        return d.isZero() ? null : d;
    }

    private static OnFailure parseOnFailure(String value) {
        return switch (value) {
            case "none" -> OnFailure.NONE;
            case "kill" -> OnFailure.KILL;
            case "restart" -> OnFailure.RESTART;
            case "stop" -> OnFailure.STOP;
            default -> throw new IllegalArgumentException("--health-on-failure \"" + value
                    + "\": unknown action; use none, kill, restart or stop");
        };
    }

    /**
     * The health check of an OCI/Docker image config's {@code Healthcheck} object:
     * {@code {"Test": [...], "Interval": ns, "Timeout": ns, "StartPeriod": ns,
     * "StartInterval": ns, "Retries": n}}. A missing or zero field takes Docker's default;
     * a missing or empty {@code Test}, or {@code ["NONE"]}, is no health check.
     *
     * @param healthcheck the decoded JSON object, or {@code null} if the image has none
     * @throws IllegalArgumentException naming the field, if the image's check is malformed
     */
    public static Optional<HealthConfig> fromImage(Map<String, ?> healthcheck) {
        if (healthcheck == null) {
            return Optional.empty();
        }
        List<String> test = imageTest(healthcheck.get("Test"));
        if (test.isEmpty() || test.getFirst().equals("NONE")) {
            return Optional.empty();
        }
        if (!test.getFirst().equals("CMD") && !test.getFirst().equals("CMD-SHELL")) {
            throw new IllegalArgumentException("image config Healthcheck.Test " + test + ": unknown type \""
                    + test.getFirst() + "\"; the image needs a HEALTHCHECK of CMD, CMD-SHELL or NONE");
        }
        long retries = imageNumber(healthcheck, "Retries");
        if (retries > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("image config Healthcheck.Retries " + retries + ": too large");
        }
        return Optional.of(new HealthConfig(test,
                imageDuration(healthcheck, "Interval", DEFAULT_INTERVAL),
                imageDuration(healthcheck, "Timeout", DEFAULT_TIMEOUT),
                retries == 0 ? DEFAULT_RETRIES : (int) retries,
                imageDuration(healthcheck, "StartPeriod", DEFAULT_START_PERIOD),
                imageDuration(healthcheck, "StartInterval", DEFAULT_START_INTERVAL),
                OnFailure.NONE));
    }

    private static List<String> imageTest(Object value) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
            throw new IllegalArgumentException("image config Healthcheck.Test " + value
                    + ": not a list of strings; the image needs a valid HEALTHCHECK");
        }
        List<String> test = new ArrayList<>();
        list.forEach(o -> test.add((String) o));
        return test;
    }

    private static Duration imageDuration(Map<String, ?> healthcheck, String field, Duration fallback) {
        Duration d = Duration.ofNanos(imageNumber(healthcheck, field));
        Duration set = checked("image config Healthcheck." + field + " " + GoDuration.format(d), d,
                "0 for the default; the image needs a valid HEALTHCHECK");
        return set == null ? fallback : set;
    }

    private static long imageNumber(Map<String, ?> healthcheck, String field) {
        Object value = healthcheck.get(field);
        if (value == null) {
            return 0;
        }
        if (!(value instanceof Number n) || n.longValue() < 0 || n.doubleValue() != Math.rint(n.doubleValue())
                || n.doubleValue() > Long.MAX_VALUE) {
            throw new IllegalArgumentException("image config Healthcheck." + field + " " + value
                    + ": not a whole number >= 0; the image needs a valid HEALTHCHECK");
        }
        return n.longValue();
    }

    /** {@link #argv(List)} with Docker's default shell. */
    public List<String> argv() {
        return argv(DEFAULT_SHELL);
    }

    /**
     * The command line to exec in the container: {@code CMD}'s arguments as they are,
     * {@code CMD-SHELL}'s after {@code shell} (the container's {@code SHELL}; empty or
     * {@code null} for Docker's default {@code /bin/sh -c}).
     */
    public List<String> argv(List<String> shell) {
        List<String> args = test.subList(1, test.size());
        if (test.getFirst().equals("CMD")) {
            return args;
        }
        List<String> argv = new ArrayList<>(shell == null || shell.isEmpty() ? DEFAULT_SHELL : shell);
        argv.addAll(args);
        return List.copyOf(argv);
    }

    @Override
    public String toString() {
        return "HealthConfig" + test + " interval " + GoDuration.format(interval) + ", timeout "
                + GoDuration.format(timeout) + ", retries " + retries + ", start period "
                + GoDuration.format(startPeriod) + ", start interval " + GoDuration.format(startInterval)
                + ", on failure " + onFailure.name().toLowerCase(Locale.ROOT);
    }
}
