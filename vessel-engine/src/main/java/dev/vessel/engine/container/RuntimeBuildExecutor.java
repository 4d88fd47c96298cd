package dev.vessel.engine.container;

import dev.vessel.image.ProcessDefaults;
import dev.vessel.image.build.BuildExecutor;
import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.container.ContainerRuntime;
import dev.vessel.runtime.container.CreateOptions;
import dev.vessel.runtime.plan.InitSession;
import dev.vessel.runtime.spec.DefaultSpec;
import dev.vessel.runtime.spec.Linux;
import dev.vessel.runtime.spec.ProcessSpec;
import dev.vessel.runtime.spec.Spec;
import dev.vessel.runtime.spec.SpecJson;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * RUN steps of `vessel build`, executed by Vessel's own runtime (the image module runs no
 * containers itself, DESIGN.md): a throwaway container on the step's rootfs, with its own
 * network namespace (only lo, up) unless the build asked for the host's network. The step's
 * output goes to the build's terminal.
 */
public final class RuntimeBuildExecutor implements BuildExecutor {

    private final Storage storage;

    public RuntimeBuildExecutor(Storage storage) {
        this.storage = storage;
    }

    @Override
    public int run(Path rootfs, ProcessDefaults process, String network, OutputStream output) throws IOException {
        byte[] r = new byte[6];
        new SecureRandom().nextBytes(r);
        String id = "build-" + HexFormat.of().formatHex(r);
        Path bundle = Files.createTempDirectory(storage.root(), ".build-");
        try {
            Spec base = DefaultSpec.example(false);
            ProcessSpec p = base.process();
            p = new ProcessSpec(false, null, new ProcessSpec.User(process.uid(), process.gid(), null, null, null),
                    process.args(), null, process.env(), process.cwd(), p.capabilities(), p.rlimits(), p.noNewPrivileges(),
                    null, null, null, null, null, null);
            Linux l = base.linux();
            List<Linux.Namespace> namespaces = new ArrayList<>();
            for (Linux.Namespace ns : l.namespaces()) {
                if (!(network.equals("host") && ns.type().equals("network"))) {
                    namespaces.add(ns);
                }
            }
            Linux linux = new Linux(l.uidMappings(), l.gidMappings(), l.timeOffsets(), l.sysctl(), l.resources(),
                    "/vessel/" + id, namespaces, l.devices(), null, l.rootfsPropagation(), l.maskedPaths(),
                    l.readonlyPaths(), null, null, null, null);
            Spec spec = new Spec(base.ociVersion(), p, new Spec.Root(rootfs.toString(), false), "buildkit", null,
                    base.mounts(), null, null, linux);
            Files.writeString(bundle.resolve("config.json"), SpecJson.pretty(spec));
            ContainerRuntime rt = new ContainerRuntime(storage.runtimeRoot(), storage.initBinary());
            System.out.flush();
            return rt.run(new CreateOptions(id, bundle, null, null, 0, false, false, InitSession.Stdio.INHERIT,
                    network.equals("host") ? null : Loopback::up), false, false);
        } catch (RuntimeError e) {
            throw new IOException("RUN " + String.join(" ", process.args()) + ": " + e.getMessage());
        } finally {
            Files.deleteIfExists(bundle.resolve("config.json"));
            Files.deleteIfExists(bundle);
        }
    }
}
