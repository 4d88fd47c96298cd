package dev.vessel.engine.container;

import dev.vessel.image.Image;
import dev.vessel.image.ProcessDefaults;
import dev.vessel.image.snapshot.ContainerSnapshot;
import dev.vessel.runtime.ByteSize;
import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.spec.DefaultSpec;
import dev.vessel.runtime.spec.Linux;
import dev.vessel.runtime.spec.LinuxResources;
import dev.vessel.runtime.spec.Mount;
import dev.vessel.runtime.spec.Namespaces;
import dev.vessel.runtime.spec.ProcessSpec;
import dev.vessel.runtime.spec.Spec;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** docker-run flags, checked, and mapped onto an OCI spec derived from the runtime's default one. */
public record RunFlags(String name, boolean tty, String memory, String cpus, Long pidsLimit, String hostname, List<String> env,
                String workdir, String user, boolean readOnly, List<String> command, SecurityOpts.Seccomp seccomp) {

    static final long CPU_PERIOD = 100_000;

    public String id() {
        if (name != null) {
            return name;
        }
        byte[] b = new byte[6];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Flag checks that need no image: done before anything is pulled or made. */
    public void check() {
        for (String e : env) {
            if (!e.contains("=") || e.startsWith("=")) {
                throw new RuntimeError("--env \"" + e + "\": use NAME=VALUE");
            }
        }
        if (workdir != null && !workdir.startsWith("/")) {
            throw new RuntimeError("--workdir \"" + workdir + "\": must be an absolute path");
        }
        resources();
    }

    /**
     * The spec of a container of {@code image} on {@code snap}, for {@code vessel run} and the
     * engine alike: the image's process defaults with these flags over them, the user checked
     * against the id maps, the limits, and the image's name as an annotation.
     */
    public Spec forImage(String id, String image, Image img, ContainerSnapshot snap, ContainerIdMaps maps) {
        ProcessDefaults pd;
        try {
            pd = ProcessDefaults.derive(img.config(), command, Optional.empty(), env, Optional.ofNullable(workdir),
                    Optional.ofNullable(user), snap.rootfs());
        } catch (IOException | IllegalArgumentException e) {
            throw new RuntimeError("image \"" + image + "\": " + e.getMessage());
        }
        maps.checkUser(Integer.toUnsignedLong(pd.uid()), Integer.toUnsignedLong(pd.gid()),
                user != null ? "--user \"" + user + "\"" : "image \"" + image + "\" user");
        return ContainerBundle.withImage(toSpec(id, snap.rootfs().toString(), pd, maps), image);
    }

    /** The container's spec: runc's default, the image's process defaults (flags already applied), the limits. */
    public Spec toSpec(String id, String rootfs, ProcessDefaults image) {
        return toSpec(id, rootfs, image, ContainerIdMaps.HOST);
    }

    /** As {@link #toSpec(String, String, ProcessDefaults)}, with a new user namespace unless {@code maps} is the host's. */
    public Spec toSpec(String id, String rootfs, ProcessDefaults image, ContainerIdMaps maps) {
        Spec base = DefaultSpec.example(false);
        ProcessSpec p = base.process();
        List<String> environment = new ArrayList<>(image.env());
        environment.add("HOSTNAME=" + hostname(id));
        if (tty && environment.stream().noneMatch(e -> e.startsWith("TERM="))) {
            environment.add("TERM=" + System.getenv().getOrDefault("TERM", "xterm"));
        }
        ProcessSpec.User u = new ProcessSpec.User(image.uid(), image.gid(), null, null, null);
        p = new ProcessSpec(tty, null, u, image.args(), null, environment, image.cwd(), p.capabilities(),
                p.rlimits(), p.noNewPrivileges(), null, null, null, null, null, null);
        Linux l = base.linux();
        List<String> bounding = p.capabilities() == null ? List.of() : p.capabilities().bounding();
        List<Linux.Namespace> namespaces = new ArrayList<>(l.namespaces());
        if (!maps.isHost()) {
            namespaces.add(new Linux.Namespace(Namespaces.USER));
        }
        Linux linux = new Linux(maps.isHost() ? l.uidMappings() : maps.uids(), maps.isHost() ? l.gidMappings() : maps.gids(),
                l.timeOffsets(), l.sysctl(), resources(), "/vessel/" + id, namespaces, l.devices(), seccomp.profile(bounding), l.rootfsPropagation(), l.maskedPaths(),
                l.readonlyPaths(), l.mountLabel(), l.intelRdt(), l.personality(), l.netDevices());
        return new Spec(base.ociVersion(), p, new Spec.Root(rootfs, readOnly), hostname(id), null, mounts(base.mounts(), maps),
                null, null, linux);
    }

    /**
     * devpts refuses a gid= option naming a group that the user namespace does not map (EINVAL):
     * with a small map the tty group (5) is left out and the kernel's default, the opener's gid, applies (as podman does).
     */
    public static List<Mount> mounts(List<Mount> mounts, ContainerIdMaps maps) {
        if (maps.isHost()) {
            return mounts;
        }
        List<Mount> out = new ArrayList<>();
        for (Mount m : mounts) {
            if ("devpts".equals(m.type()) && m.options() != null) {
                List<String> opts = m.options().stream().filter(o -> !o.startsWith("gid=")
                        || maps.gids().stream().anyMatch(g -> g.containsContainerId(Long.parseLong(o.substring(4))))).toList();
                m = new Mount(m.destination(), m.type(), m.source(), opts, m.uidMappings(), m.gidMappings());
            }
            out.add(m);
        }
        return out;
    }

    private String hostname(String id) {
        return hostname != null ? hostname : id.length() > 12 ? id.substring(0, 12) : id;
    }

    private LinuxResources resources() {
        LinuxResources.Memory m = null;
        if (memory != null) {
            long bytes = ByteSize.parse("--memory", memory);
            if (bytes != -1 && bytes < 6L << 20) {
                throw new RuntimeError("--memory \"" + memory + "\": the minimum is 6m");
            }
            m = new LinuxResources.Memory(bytes, null, null, null, null, null, null, null, null);
        }
        LinuxResources.Cpu c = null;
        if (cpus != null) {
            double n;
            try {
                n = Double.parseDouble(cpus);
            } catch (NumberFormatException e) {
                n = -1;
            }
            int online = Runtime.getRuntime().availableProcessors();
            if (!(n > 0) || n > online) {
                throw new RuntimeError("--cpus \"" + cpus + "\": use a number above 0 and at most " + online + " (the CPUs online)");
            }
            c = new LinuxResources.Cpu(null, Math.max(1000, (long) (n * CPU_PERIOD)), null, CPU_PERIOD, null, null, null, null, null);
        }
        LinuxResources.Pids pids = null;
        if (pidsLimit != null) {
            if (pidsLimit == 0 || pidsLimit < -1) {
                throw new RuntimeError("--pids-limit " + pidsLimit + ": use a positive number, or -1 for no limit");
            }
            pids = new LinuxResources.Pids(pidsLimit);
        }
        return new LinuxResources(null, m, c, pids, null, null, null, null, null);
    }
}
