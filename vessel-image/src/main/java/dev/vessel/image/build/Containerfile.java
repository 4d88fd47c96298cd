package dev.vessel.image.build;

import java.util.List;
import java.util.Optional;

/**
 * A parsed Containerfile: the ARGs declared before the first FROM (usable in FROM lines) and
 * the build stages in order; the last stage is the image unless {@code --target} names another.
 */
public record Containerfile(String file, List<Instruction.Arg> globalArgs, List<Stage> stages) {

    /** One stage: its FROM and the instructions after it. */
    public record Stage(int index, Instruction.From from, List<Instruction> instructions) {
        public Optional<String> name() {
            return Optional.ofNullable(from.stageName());
        }
    }

    /** The stage called {@code nameOrIndex} ("builder" or "0"), as COPY --from and --target refer to it. */
    public Optional<Stage> stage(String nameOrIndex) {
        for (Stage s : stages) {
            if (nameOrIndex.equalsIgnoreCase(s.from().stageName() == null ? "" : s.from().stageName())
                    || nameOrIndex.equals(Integer.toString(s.index()))) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
