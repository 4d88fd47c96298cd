package dev.vessel.cli.vm;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code vessel vm}: virtual machines on Vessel's own machine model (issue 5). */
@Command(name = "vm", description = "Run commands in virtual machines with a Linux kernel of their own.",
        subcommands = {VmRun.class})
public final class VmCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        new CommandLine(spec).usage(System.err);
        return 2;
    }
}
