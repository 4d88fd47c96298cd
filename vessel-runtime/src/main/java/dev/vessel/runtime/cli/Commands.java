package dev.vessel.runtime.cli;

import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * Picocli builds every registered command's model by reflection on each call, which costs more
 * than the rest of a short invocation; so vessel and vessel-runtime register only the command
 * being run, and all of them only for help and errors.
 */
public final class Commands {

    private Commands() {}

    /** {@code root}'s command line with {@code name} registered, or every command when it is null or unknown. */
    public static CommandLine line(Object root, Map<String, Supplier<Object>> commands, String name) {
        CommandLine cl = new CommandLine(root);
        if (name != null && commands.containsKey(name)) {
            cl.addSubcommand(name, commands.get(name).get());
        } else {
            commands.forEach((n, make) -> cl.addSubcommand(n, make.get()));
        }
        return cl;
    }
}
