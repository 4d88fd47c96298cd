package dev.vessel.runtime.launch;

import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.spec.Linux;
import dev.vessel.runtime.spec.Mount;
import dev.vessel.runtime.spec.ProcessSpec;
import dev.vessel.runtime.spec.Spec;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Spec fields that are valid but that Vessel does not apply yet. A container must never start
 * without a setting its author asked for, so each is refused by name rather than ignored.
 * AppArmor is the exception runc makes too: on a host without AppArmor the profile cannot be
 * applied by anyone, and engines set it by default.
 */
public final class Unsupported {

    private Unsupported() {}

    public static void check(Spec spec) {
        ProcessSpec p = spec.process();
        if (p != null) {
            refuse(p.scheduler() != null, "process.scheduler");
            refuse(p.ioPriority() != null, "process.ioPriority");
            refuse(p.execCPUAffinity() != null, "process.execCPUAffinity");
            refuse(p.selinuxLabel() != null && !p.selinuxLabel().isEmpty(), "process.selinuxLabel");
            if (p.apparmorProfile() != null && !p.apparmorProfile().isEmpty() && appArmorEnabled()) {
                throw new RuntimeError("process.apparmorProfile \"" + p.apparmorProfile()
                        + "\": AppArmor is enabled on this host but Vessel cannot apply profiles yet; remove the field");
            }
        }
        Linux l = spec.linux();
        if (l != null) {
            refuse(l.personality() != null, "linux.personality");
            refuse(l.intelRdt() != null, "linux.intelRdt");
            refuse(l.netDevices() != null && !l.netDevices().isEmpty(), "linux.netDevices");
            refuse(l.mountLabel() != null && !l.mountLabel().isEmpty(), "linux.mountLabel");
        }
        if (spec.mounts() != null) {
            for (int i = 0; i < spec.mounts().size(); i++) {
                Mount m = spec.mounts().get(i);
                refuse(m.uidMappings() != null || m.gidMappings() != null, "mounts[" + i + "].uidMappings (idmapped mounts)");
            }
        }
    }

    private static void refuse(boolean present, String field) {
        if (present) {
            throw new RuntimeError(field + ": not supported by Vessel yet; remove it from config.json");
        }
    }

    private static boolean appArmorEnabled() {
        try {
            return Files.readString(Path.of("/sys/module/apparmor/parameters/enabled")).strip().equals("Y");
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
