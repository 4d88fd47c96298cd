package dev.vessel.engine.supervise;

import java.util.Objects;

/**
 * What happens when a container exits, and when the engine starts: Docker's {@code --restart}.
 *
 * @param kind       the policy
 * @param maxRetries for {@link Kind#ON_FAILURE}, how many restarts at most (0: no limit);
 *                   0 for every other kind
 */
public record RestartPolicy(Kind kind, int maxRetries) {

    public enum Kind { NO, ON_FAILURE, ALWAYS, UNLESS_STOPPED }

    private static final String CHOICES = "use no, on-failure[:max-retries], always or unless-stopped";

    public RestartPolicy {
        Objects.requireNonNull(kind, "kind");
        if (maxRetries < 0) {
            throw new IllegalArgumentException("restart policy: maxRetries " + maxRetries
                    + " is negative; use 0 for no limit");
        }
        if (maxRetries != 0 && kind != Kind.ON_FAILURE) {
            throw new IllegalArgumentException("restart policy " + name(kind) + ": maxRetries "
                    + maxRetries + " is only allowed with on-failure");
        }
    }

    /**
     * Parses the value of {@code --restart}: {@code no}, {@code on-failure},
     * {@code on-failure:N} (N &gt;= 0, 0 meaning no limit), {@code always} or
     * {@code unless-stopped}. Names are case-sensitive, as in Docker. The empty string means
     * {@code no}, as it does in Docker's API.
     *
     * <p>Docker accepts a retry count of 0 on other policies ({@code always:0}) and an empty
     * one ({@code on-failure:}); both are refused here, since they can only be typing mistakes.
     *
     * @throws IllegalArgumentException naming the flag, the value and the choices
     */
    public static RestartPolicy parse(String value) {
        Objects.requireNonNull(value, "value");
        int colon = value.indexOf(':');
        String name = colon < 0 ? value : value.substring(0, colon);
        Kind kind = switch (name) {
            case "", "no" -> Kind.NO;
            case "on-failure" -> Kind.ON_FAILURE;
            case "always" -> Kind.ALWAYS;
            case "unless-stopped" -> Kind.UNLESS_STOPPED;
            default -> throw invalid(value, "unknown restart policy");
        };
        if (colon < 0) {
            return new RestartPolicy(kind, 0);
        }
        if (kind != Kind.ON_FAILURE) {
            throw invalid(value, "a retry count is only allowed with on-failure");
        }
        String count = value.substring(colon + 1);
        if (!count.matches("[0-9]+")) {
            throw invalid(value, "max-retries must be a whole number >= 0 (0: no limit)");
        }
        try {
            return new RestartPolicy(kind, Integer.parseInt(count));
        } catch (NumberFormatException e) {
            throw invalid(value, "max-retries is larger than " + Integer.MAX_VALUE);
        }
    }

    private static IllegalArgumentException invalid(String value, String why) {
        return new IllegalArgumentException("--restart \"" + value + "\": " + why + "; " + CHOICES);
    }

    /**
     * Whether a container that has just exited is started again. A container stopped by the
     * user is never restarted, whatever the policy (Docker cancels its restart manager on
     * {@code docker stop}). {@code on-failure} restarts only after a non-zero exit, and only
     * while {@code restartCount < maxRetries} when there is a limit; {@code always} and
     * {@code unless-stopped} restart after any exit.
     *
     * @param restartCount how many times this policy has already restarted the container
     */
    public boolean shouldRestart(int exitCode, int restartCount, boolean stoppedByUser) {
        if (stoppedByUser) {
            return false;
        }
        return switch (kind) {
            case NO -> false;
            case ON_FAILURE -> exitCode != 0 && (maxRetries == 0 || restartCount < maxRetries);
            case ALWAYS, UNLESS_STOPPED -> true;
        };
    }

    /**
     * Whether the engine starts the container when the engine itself starts (Docker's
     * documented behaviour on daemon start): {@code always} starts it even if the user had
     * stopped it, which is the one difference from {@code unless-stopped}, which does not;
     * {@code no} and {@code on-failure} never start a container on engine start-up.
     */
    public boolean startWithEngine(boolean stoppedByUser) {
        return switch (kind) {
            case NO, ON_FAILURE -> false;
            case ALWAYS -> true;
            case UNLESS_STOPPED -> !stoppedByUser;
        };
    }

    /** The {@code --restart} form: "no", "on-failure", "on-failure:2", "always", "unless-stopped". */
    @Override
    public String toString() {
        return maxRetries == 0 ? name(kind) : name(kind) + ":" + maxRetries;
    }

    private static String name(Kind kind) {
        return kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
