package dev.vessel.cli;

import dev.vessel.engine.RunRequest;
import dev.vessel.engine.api.EngineClient;
import dev.vessel.engine.container.Storage;
import dev.vessel.engine.container.ContainerBundle;
import dev.vessel.engine.container.Images;
import dev.vessel.engine.container.Loopback;
import dev.vessel.engine.container.UsernsAllocations;
import dev.vessel.engine.container.ContainerIdMaps;
import dev.vessel.engine.container.UsernsMode;
import dev.vessel.engine.container.RunFlags;
import dev.vessel.engine.container.SecurityOpts;
import dev.vessel.linux.Fds;
import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.container.ContainerRuntime;
import dev.vessel.runtime.container.CreateOptions;
import dev.vessel.runtime.plan.InitSession;
import dev.vessel.runtime.spec.ProcessSpec;
import dev.vessel.runtime.spec.Spec;
import dev.vessel.image.Image;
import dev.vessel.image.ImageService;
import dev.vessel.image.snapshot.ContainerSnapshot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vessel run}: a container from an image, with docker-run's common flags mapped onto the OCI spec. */
@Command(name = "run", description = "Run a command in a new container.")
final class RunCommand implements Callable<Integer> {

    /** -h is the host name here, as in docker run, which drops the inherited -h/--help pair: --help alone stays. */
    @Option(names = "--help", usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--rm", description = "remove the container when it exits")
    boolean rm;

    @Option(names = {"-d", "--detach"}, description = "run in the background: print the container's id and return;"
            + " its output goes to a log (vessel logs)")
    boolean detach;

    @Option(names = "--restart", paramLabel = "POLICY",
            description = "with -d: no (default), on-failure[:max-retries], always or unless-stopped, as docker")
    String restart;

    @Option(names = "--health-cmd", paramLabel = "CMD", description = "with -d: the health check, run in the container by a shell")
    String healthCmd;

    @Option(names = "--health-interval", paramLabel = "DURATION", description = "between checks (default 30s)")
    String healthInterval;

    @Option(names = "--health-timeout", paramLabel = "DURATION", description = "a check taking longer fails (default 30s)")
    String healthTimeout;

    @Option(names = "--health-retries", paramLabel = "N", description = "failures in a row that make it unhealthy (default 3)")
    Integer healthRetries;

    @Option(names = "--health-start-period", paramLabel = "DURATION", description = "failures do not count in this time after the start")
    String healthStartPeriod;

    @Option(names = "--health-start-interval", paramLabel = "DURATION", description = "between checks in the start period (default 5s)")
    String healthStartInterval;

    @Option(names = "--health-on-failure", paramLabel = "ACTION", description = "when unhealthy: none (default), kill, restart or stop")
    String healthOnFailure;

    @Option(names = "--no-healthcheck", description = "no health check, not even the image's")
    boolean noHealthcheck;

    @Option(names = "--name", description = "container name (default: a random id)")
    String name;

    @Option(names = {"-i", "--interactive"}, description = "give the container this command's stdin (without it, stdin is empty)")
    boolean interactive;

    @Option(names = {"-t", "--tty"}, description = "the command gets the caller's terminal")
    boolean tty;

    @Option(names = {"-m", "--memory"}, description = "memory limit (e.g. 64m)")
    String memory;

    @Option(names = "--cpus", description = "number of CPUs (e.g. 0.5)")
    String cpus;

    @Option(names = "--pids-limit", description = "maximum number of processes")
    Long pidsLimit;

    @Option(names = {"-h", "--hostname"}, description = "container host name")
    String hostname;

    @Option(names = {"-e", "--env"}, description = "NAME=VALUE, repeatable")
    List<String> env = new ArrayList<>();

    @Option(names = {"-w", "--workdir"}, description = "working directory in the container")
    String workdir;

    @Option(names = {"-u", "--user"}, description = "UID[:GID]")
    String user;

    @Option(names = "--read-only", description = "mount the container's root filesystem read-only")
    boolean readOnly;

    @Option(names = "--security-opt", description = "seccomp=unconfined or seccomp=FILE (default: Docker's default profile)")
    List<String> securityOpts = new ArrayList<>();

    @Option(names = "--userns", paramLabel = "MODE",
            description = "host (default: the host's ids), or auto[:size=N]: a new user namespace whose root is an unused"
                    + " range of N (65536) host ids, from /etc/subuid and /etc/subgid's \"containers\" entries or else 100000 up")
    String userns;

    @Option(names = "--uidmap", paramLabel = "CONTAINER:HOST:SIZE",
            description = "map container uids to host uids in a new user namespace; repeatable (also the gid map unless --gidmap)")
    List<String> uidmap = new ArrayList<>();

    @Option(names = "--gidmap", paramLabel = "CONTAINER:HOST:SIZE",
            description = "map container gids to host gids in a new user namespace; repeatable (also the uid map unless --uidmap)")
    List<String> gidmap = new ArrayList<>();

    @Parameters(index = "0", paramLabel = "IMAGE")
    String image;

    @Parameters(index = "1..*", paramLabel = "COMMAND")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() {
        Storage storage = Storage.defaults();
        RunFlags flags = new RunFlags(name, tty, memory, cpus, pidsLimit, hostname, env, workdir, user, readOnly, command,
                SecurityOpts.seccomp(securityOpts));
        flags.check();
        if (detach && (tty || interactive)) {
            throw new RuntimeError("-d with " + (tty ? "-t" : "-i") + ": a detached container has no terminal or stdin;"
                    + " drop " + (tty ? "-t" : "-i"));
        }
        UsernsMode usernsMode = UsernsMode.parse(userns, uidmap, gidmap);
        if (detach) {
            return runInEngine();
        }
        if (restart != null) {
            throw new RuntimeError("--restart without -d: only the engine restarts containers; add -d");
        }
        if (healthCmd != null || healthOnFailure != null) {
            throw new RuntimeError("--health-cmd/--health-on-failure without -d: only the engine runs health checks; add -d");
        }
        String id = flags.id();
        ImageService images = Images.service();
        Image img = Images.resolve(images, image);
        ContainerBundle bundle = ContainerBundle.reserve(storage, id);
        boolean ok = false;
        try {
            ContainerIdMaps maps = UsernsAllocations.of(storage).assign(usernsMode, bundle.dir());
            ContainerSnapshot snap = Images.snapshot(images, id, img, maps);
            Spec spec = flags.forImage(id, image, img, snap, maps);
            bundle.write(tty ? withCallersTerminalSize(spec) : spec);
            ContainerRuntime rt = new ContainerRuntime(storage.runtimeRoot(), storage.initBinary());
            // As docker: without -i the container's stdin is not the caller's (it reads EOF at once).
            int devNull = interactive || tty ? -1 : Fds.open("/dev/null", Fds.O_RDONLY | Fds.O_CLOEXEC, 0);
            int code;
            try {
                code = rt.run(new CreateOptions(id, bundle.dir(), null, null, 0, false, false,
                        devNull < 0 ? InitSession.Stdio.INHERIT : new InitSession.Stdio(devNull, 1, 2), Loopback::up),
                        false, !rm);
            } finally {
                if (devNull >= 0) {
                    Fds.close(devNull);
                }
            }
            ok = true;
            if (!rm) {
                images.snapshots().unmount(snap);
            }
            return code;
        } catch (IOException e) {
            throw new RuntimeError("container \"" + id + "\": " + e.getMessage());
        } finally {
            if (rm || !ok) {
                bundle.remove(images);
            }
        }
    }

    /**
     * {@code -d}: the engine makes the container and supervises it (its exit is recorded, its
     * restart policy applied); this command prints its id and returns.
     */
    private int runInEngine() {
        RunRequest req = new RunRequest(image, name, command, env, workdir, user, memory, cpus, pidsLimit, hostname,
                readOnly, securityOpts, restart, userns, uidmap, gidmap, rm, healthCmd, healthInterval, healthTimeout, healthRetries,
                healthStartPeriod, healthStartInterval, healthOnFailure, noHealthcheck);
        try (EngineClient c = EngineConnection.client()) {
            System.out.println(c.post("/v1/containers", req).get("id").asText());
            return 0;
        } catch (EngineClient.Error e) {
            if (e.status() == 422 && "command".equals(e.field())) {
                // As docker: 127 when the command is not found, 126 when it cannot be run.
                throw new RuntimeError.CommandFailed(e.getMessage(), e.getMessage().contains("not found"));
            }
            throw new RuntimeError(e.getMessage());
        }
    }

    /**
     * With -t, the container's terminal starts with the caller's window size
     * (process.consoleSize), so that a program that asks at once does not see 0x0; later
     * changes follow through SIGWINCH. Without a terminal on stdin nothing is set.
     */
    private static Spec withCallersTerminalSize(Spec spec) {
        ProcessSpec.ConsoleSize size = ContainerRuntime.callerTerminalSize();
        return size == null ? spec : spec.withProcess(spec.process().withConsoleSize(size));
    }
}
