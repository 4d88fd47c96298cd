package dev.vessel.runtime.plan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code vessel-init} is to do, in order: each op with the OCI spec field it came from, so
 * a failure reported as "op 7, ENOENT" becomes "mounts[2].destination: ... ENOENT".
 */
public final class LaunchPlan {

    /** What the helper does once the container process runs (see vessel-init.c). */
    public enum Mode {
        /** The helper exits after READY (or EXECED); the container is reparented, as with runc. */
        DETACH(1),
        /** The helper stays the parent, forwards signals and reports the exit status. */
        MONITOR(2),
        /**
         * The helper is the container's monitor for an engine that may die: in a session of its
         * own, a subreaper, it writes the exit to the plan's {@link Op.RecordExit} file and
         * reports it if anyone still listens (conmon's role).
         */
        SUPERVISE(3);

        final int code;

        Mode(int code) {
            this.code = code;
        }
    }

    /** One op and the spec field it came from, e.g. {@code mounts[2].destination}. */
    public record Step(Op op, String label) {}

    private final Mode mode;
    private final List<Step> steps;

    private LaunchPlan(Mode mode, List<Step> steps) {
        this.mode = mode;
        this.steps = List.copyOf(steps);
    }

    public static LaunchPlan of(Mode mode, List<Step> steps) {
        return new LaunchPlan(mode, steps);
    }

    public static Builder builder(Mode mode) {
        return new Builder(mode);
    }

    public Mode mode() {
        return mode;
    }

    public List<Step> steps() {
        return steps;
    }

    /** The exec fifo of the WaitStart op, if the plan stops before exec until {@code start}. */
    public Optional<Path> fifo() {
        return steps.stream().map(Step::op).filter(op -> op instanceof Op.WaitStart)
                .map(op -> Path.of(((Op.WaitStart) op).fifo())).findFirst();
    }

    /** The wire form that vessel-init reads: a HEADER frame and one frame per op. */
    public byte[] encode() {
        return PlanEncoder.encode(this);
    }

    public static final class Builder {
        private final Mode mode;
        private final List<Step> steps = new ArrayList<>();

        private Builder(Mode mode) {
            this.mode = mode;
        }

        public Builder add(Op op, String label) {
            steps.add(new Step(op, label));
            return this;
        }

        public LaunchPlan build() {
            return new LaunchPlan(mode, steps);
        }
    }
}
