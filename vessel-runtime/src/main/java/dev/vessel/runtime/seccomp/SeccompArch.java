package dev.vessel.runtime.seccomp;

import java.util.OptionalInt;

/**
 * The ABIs an x86-64 kernel runs, as the filter tells them apart: by {@code seccomp_data.arch}
 * (AUDIT_ARCH_*), and for x32, which shares AUDIT_ARCH_X86_64, by __X32_SYSCALL_BIT in the number.
 */
enum SeccompArch {
    X86_64("SCMP_ARCH_X86_64", "x86_64", 0xC000003E, false),
    X86("SCMP_ARCH_X86", "i386", 0x40000003, true),
    X32("SCMP_ARCH_X32", "x32", 0xC000003E, true);

    /** __X32_SYSCALL_BIT: set in seccomp_data.nr for every x32 syscall. */
    static final int X32_SYSCALL_BIT = 0x40000000;

    final String specName;
    final int auditArch;
    /** libseccomp compares only the low 32 bits of arguments on ABIs with 32-bit registers. */
    final boolean args32;
    private final String abi;
    private SyscallTable table;

    SeccompArch(String specName, String abi, int auditArch, boolean args32) {
        this.specName = specName;
        this.abi = abi;
        this.auditArch = auditArch;
        this.args32 = args32;
    }

    synchronized SyscallTable table() {
        if (table == null) {
            table = SyscallTable.load(abi);
        }
        return table;
    }

    OptionalInt number(String syscall) {
        return table().number(syscall);
    }

    static SeccompArch bySpecName(String name) {
        for (SeccompArch a : values()) {
            if (a.specName.equals(name)) {
                return a;
            }
        }
        return null;
    }
}
