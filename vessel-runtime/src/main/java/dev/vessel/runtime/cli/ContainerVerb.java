package dev.vessel.runtime.cli;

import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** A verb on one existing container: the global options of the parent and the container id. */
abstract class ContainerVerb {

    @ParentCommand
    RuntimeMain main;

    @Parameters(index = "0", paramLabel = "ID", description = "container id")
    String id;
}
