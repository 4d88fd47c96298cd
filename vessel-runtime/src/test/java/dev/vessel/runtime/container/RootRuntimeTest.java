package dev.vessel.runtime.container;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vessel.linux.Processes;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shared by the runtime's root integration tests: a private state root in a temp dir, skipped
 * with the reason when not root or without busybox, and every container it left deleted.
 */
@Tag("root")
abstract class RootRuntimeTest {

    @TempDir
    Path tmp;

    Path bundle;
    ContainerRuntime rt;

    @BeforeEach
    void setUpRuntime() {
        assumeTrue(Processes.euid() == 0, "needs root (namespaces, cgroups, mounts)");
        assumeTrue(Bundles.busyboxAvailable(), "needs /bin/busybox (Debian package busybox-static)");
        bundle = tmp.resolve("bundle");
        rt = new ContainerRuntime(tmp.resolve("root"), Path.of(System.getProperty("vessel.init")));
    }

    @AfterEach
    void deleteContainers() {
        if (rt != null) {
            for (String id : rt.store().ids()) {
                rt.delete(id, true);
            }
        }
    }

    CreateOptions opts(String id) {
        return new CreateOptions(id, bundle, null, null, 0, false, false);
    }
}
