package dev.vessel.vmm.machine;

import dev.vessel.vmm.bus.MmioDevice;

import java.util.function.Consumer;

/**
 * The SiFive "test" device QEMU's virt machine has at 0x100000, used as a power-off register:
 * 0x5555 powers off with status 0, 0x3333 | code << 16 with status {@code code}, 0x7777 reboots.
 * Linux drives it through syscon-poweroff; a guest {@code /init} can report an exit status here.
 */
final class TestFinisher implements MmioDevice {

    static final long BASE = 0x0010_0000L;
    static final long SIZE = 0x1000L;

    private final Consumer<ExitStatus> exit;

    TestFinisher(Consumer<ExitStatus> exit) {
        this.exit = exit;
    }

    @Override
    public long read(long offset, int size) {
        return 0;
    }

    @Override
    public void write(long offset, int size, long value) {
        if (offset != 0) {
            return;
        }
        int v = (int) value;
        switch (v & 0xffff) {
            case 0x5555 -> exit.accept(ExitStatus.powerOff(0));
            case 0x3333 -> exit.accept(ExitStatus.powerOff(v >>> 16)); // as QEMU: the status is the upper half
            case 0x7777 -> exit.accept(ExitStatus.reboot());
            default -> { }
        }
    }
}
