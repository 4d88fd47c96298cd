package dev.vessel.runtime.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The checked-in tables against the UAPI headers of this machine (Debian's linux-libc-dev). */
class SyscallTableTest {

    private static final Pattern DEFINE = Pattern.compile("^#define __NR_(\\w+) \\(?(__X32_SYSCALL_BIT \\+ )?(\\d+)\\)?$");

    @ParameterizedTest
    @CsvSource({"x86_64, unistd_64.h", "i386, unistd_32.h", "x32, unistd_x32.h"})
    void matchesTheKernelHeader(String abi, String header) throws IOException {
        Path h = Path.of("/usr/include/x86_64-linux-gnu/asm", header);
        assumeTrue(Files.isReadable(h), h + " is absent (Debian package linux-libc-dev)");
        Map<String, Integer> fromHeader = new LinkedHashMap<>();
        for (String line : Files.readAllLines(h)) {
            Matcher m = DEFINE.matcher(line);
            if (m.matches()) {
                fromHeader.put(m.group(1), Integer.parseInt(m.group(3)) + (m.group(2) != null ? SeccompArch.X32_SYSCALL_BIT : 0));
            }
        }
        assertTrue(fromHeader.size() > 300, "parsed " + fromHeader.size() + " syscalls from " + h);
        assertEquals(fromHeader, SyscallTable.load(abi).all(), abi + " table differs from " + h
                + "; regenerate src/main/resources/seccomp/syscalls-" + abi + ".txt (see its header)");
    }

    @ParameterizedTest
    @CsvSource({"x86_64, read, 0", "x86_64, mkdir, 83", "x86_64, clone3, 435", "i386, mkdir, 39", "i386, socketcall, 102",
            "x32, mkdir, 1073741907", "x32, execve, 1073742344"})
    void wellKnownNumbers(String abi, String name, int nr) {
        assertEquals(nr, SyscallTable.load(abi).number(name).orElseThrow());
    }
}
