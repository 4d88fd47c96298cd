package dev.vessel.vmm.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built guest: a riscv64 kernel Image, a static riscv64 busybox and an initramfs whose /init
 * runs the command and reports its status. Cold, the build takes about 7 minutes (kernel) plus
 * 4.5 minutes (busybox) on 2 busy cores, so it only runs when the cache is warm or when asked
 * with -Dvessel.guest.build=true. Where Debian's qemu-system-riscv64 is installed, the guest is
 * also booted on QEMU's virt machine as a reference for Vessel's own machine.
 */
@Tag("guest")
class GuestBootIT {

    static GuestAssets assets;

    @BeforeAll
    static void assets() {
        Path cache = Path.of(System.getProperty("vessel.guest.cache", GuestAssets.DEFAULT_CACHE.toString()));
        assets = new GuestAssets(cache, System.err);
        boolean warm = Files.isRegularFile(assets.kernelPath()) && Files.isRegularFile(assets.busyboxPath());
        Assumptions.assumeTrue(warm || Boolean.getBoolean("vessel.guest.build"),
                "guest kernel/busybox not cached in " + cache + "; build them with -Dvessel.guest.build=true (about 12 min cold)");
        Assumptions.assumeTrue(warm || Files.isWritable(cache) || Files.isWritable(cache.getParent()),
                "cannot write the cache " + cache + " (run as root)");
    }

    @Test
    void kernelIsARiscv64Image() throws IOException {
        byte[] image = Files.readAllBytes(assets.kernel());
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        // Documentation/arch/riscv/boot-image-header.rst: magic "RISCV\0\0\0" at 48, "RSC\x05" at 56.
        assertEquals("RISCV", new String(image, 48, 5, StandardCharsets.US_ASCII));
        assertEquals(0x05435352, b.getInt(56));
        long imageSize = b.getLong(16);
        assertTrue(imageSize >= image.length && imageSize < 64 << 20, "image_size " + imageSize);
    }

    @Test
    void busyboxIsAStaticRiscv64Executable() throws IOException {
        byte[] elf = Files.readAllBytes(assets.busybox());
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x464C457F, b.getInt(0), "ELF magic");
        assertEquals(2, elf[4], "ELFCLASS64");
        assertEquals(243, b.getShort(18), "EM_RISCV");
        long phoff = b.getLong(32);
        int phentsize = b.getShort(54), phnum = b.getShort(56);
        for (int i = 0; i < phnum; i++) {
            assertTrue(b.getInt((int) (phoff + (long) i * phentsize)) != 3, "PT_INTERP: not static");
        }
        List<String> links = Files.readAllLines(assets.busyboxPath().resolveSibling("busybox.links"));
        assertTrue(links.containsAll(List.of("/bin/sh", "/sbin/poweroff", "/bin/mount", "/bin/base64")), "applets");
    }

    @Test
    void initramfsHasInitAndBusybox() throws IOException {
        byte[] cpio = Files.readAllBytes(assets.initramfs(List.of("true")));
        List<String> names = InitramfsTest.parse(cpio).stream().map(InitramfsTest.Parsed::name).toList();
        assertTrue(names.containsAll(List.of("init", "bin/busybox", "bin/sh", "dev/console", "etc/vessel/cmd")), names.toString());
    }

    @Test
    void bootsOnQemuVirtRunsTheCommandAndReportsItsStatus() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/qemu-system-riscv64")),
                "qemu-system-riscv64 is not installed (apt-get install qemu-system-misc)");
        String out = qemu(assets.initramfs(List.of("sh", "-c", "uname -m; echo \"$1\"; exit 7", "sh", "it's a test")), "");
        assertTrue(out.contains("VESSEL-INIT-READY"), out);
        assertTrue(out.contains("riscv64\r\nit's a test\r\n") || out.contains("riscv64\nit's a test\n"), out);
        assertTrue(out.contains("VESSEL-EXIT=7"), out);
        // What a user of `vessel vm run` sees: only the command's output, and its status.
        var terminal = new java.io.ByteArrayOutputStream();
        GuestConsole console = new GuestConsole(terminal, false);
        console.write(out.getBytes(StandardCharsets.UTF_8));
        assertEquals("riscv64\r\nit's a test\r\n", terminal.toString(StandardCharsets.UTF_8));
        assertEquals(7, console.exitStatus().orElse(-1));
        // The same through the kernel command line with the shared initramfs.
        String viaCmdline = qemu(assets.initramfs(List.of()), GuestAssets.commandParameter(List.of("sh", "-c", "exit 0")));
        assertTrue(viaCmdline.contains("VESSEL-EXIT=0"), viaCmdline);
    }

    /** The kernel config has the drivers for every device Vessel's machine offers. */
    @Test
    void kernelDriversFindVirtioBlkNetAndRngOnQemu(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/qemu-system-riscv64")),
                "qemu-system-riscv64 is not installed (apt-get install qemu-system-misc)");
        Path disk = dir.resolve("disk.img");
        try (var f = java.nio.channels.FileChannel.open(disk, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            f.truncate(0).position(16 << 20).write(ByteBuffer.wrap(new byte[1]));
        }
        String script = "ls /sys/block; ls /sys/class/net; cat /sys/class/misc/hw_random/rng_current; mkdir -p /mnt;"
                + " mkfs.ext2 -q /dev/vda >/dev/null && mount -t ext4 /dev/vda /mnt && echo vessel-disk-data > /mnt/f"
                + " && umount /mnt && echo disk-ok";
        String out = qemu(assets.initramfs(List.of("sh", "-c", script)), "",
                "-drive", "file=" + disk + ",format=raw,if=none,id=d0", "-device", "virtio-blk-device,drive=d0",
                "-device", "virtio-rng-device", "-netdev", "user,id=n0,restrict=on", "-device", "virtio-net-device,netdev=n0");
        assertTrue(out.contains("vda"), out);
        assertTrue(out.contains("eth0"), out);
        assertTrue(out.contains("virtio_rng"), out);
        assertTrue(out.contains("disk-ok"), out);
        assertTrue(out.contains("VESSEL-EXIT=0"), out);
        assertTrue(new String(Files.readAllBytes(disk), StandardCharsets.ISO_8859_1).contains("vessel-disk-data"), "data in the image");
    }

    private static String qemu(Path initrd, String extraAppend, String... devices) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("qemu-system-riscv64", "-M", "virt", "-m", "256M", "-smp", "2",
                "-nographic", "-bios", "default", "-no-reboot", "-kernel", assets.kernel().toString(),
                "-initrd", initrd.toString(), "-append", ("console=ttyS0 quiet " + extraAppend).trim()));
        cmd.addAll(List.of(devices));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new String(output, StandardCharsets.UTF_8);
    }
}
