package dev.vessel.runtime.container;

import java.nio.file.Path;

/** The flags of create and run. */
public record CreateOptions(String id, Path bundle, Path consoleSocket, Path pidFile, int preserveFds, boolean noPivot,
                            boolean noNewKeyring) {}
