package dev.vessel.vmm.machine;

import java.util.List;

/**
 * The device tree of Vessel's riscv64 "virt"-like platform, shaped like QEMU's so that a stock
 * kernel finds everything: memory, harts with their interrupt controllers, CLINT, PLIC, the
 * 16550A console, the power-off register, each virtio-mmio slot, and {@code chosen}.
 */
final class PlatformTree {

    /** A virtio-mmio window and its PLIC source. */
    record Slot(long base, long size, int irq) {
    }

    record Layout(long ramBase, long ramSize, int cpus, boolean sstc, String bootargs,
                  long initrdStart, long initrdEnd, long uartBase, long uartSize, int uartIrq, List<Slot> virtio) {
    }

    static final String ISA = "rv64imafdc_zicsr_zifencei";
    private static final int PLIC_PHANDLE = 0x100;

    private PlatformTree() {
    }

    static byte[] build(Layout l) {
        DeviceTree t = new DeviceTree();
        t.beginNode("");
        t.u32("#address-cells", 2).u32("#size-cells", 2);
        t.string("compatible", "vessel,riscv-virt", "riscv-virtio");
        t.string("model", "Vessel riscv64 virtual machine");

        t.beginNode("chosen");
        t.string("bootargs", l.bootargs());
        t.string("stdout-path", String.format("/soc/serial@%x", l.uartBase()));
        if (l.initrdEnd() > l.initrdStart()) {
            t.u64("linux,initrd-start", l.initrdStart());
            t.u64("linux,initrd-end", l.initrdEnd());
        }
        t.endNode();

        t.beginNode(String.format("memory@%x", l.ramBase()));
        t.string("device_type", "memory");
        t.u64("reg", l.ramBase(), l.ramSize());
        t.endNode();

        cpus(t, l);

        t.beginNode("soc");
        t.u32("#address-cells", 2).u32("#size-cells", 2);
        t.string("compatible", "simple-bus");
        t.empty("ranges");

        t.beginNode(String.format("clint@%x", Clint.BASE));
        t.string("compatible", "sifive,clint0", "riscv,clint0");
        t.u64("reg", Clint.BASE, Clint.SIZE);
        int[] clintIrqs = new int[l.cpus() * 4];
        for (int h = 0; h < l.cpus(); h++) {
            clintIrqs[h * 4] = intcPhandle(h);
            clintIrqs[h * 4 + 1] = 3;   // machine software
            clintIrqs[h * 4 + 2] = intcPhandle(h);
            clintIrqs[h * 4 + 3] = 7;   // machine timer
        }
        t.u32("interrupts-extended", clintIrqs);
        t.endNode();

        t.beginNode(String.format("plic@%x", Plic.BASE));
        t.string("compatible", "sifive,plic-1.0.0", "riscv,plic0");
        t.u64("reg", Plic.BASE, Plic.SIZE);
        t.u32("#address-cells", 0).u32("#interrupt-cells", 1);
        t.empty("interrupt-controller");
        t.u32("riscv,ndev", Plic.SOURCES - 1);
        t.u32("phandle", PLIC_PHANDLE);
        int[] plicIrqs = new int[l.cpus() * 4];
        for (int h = 0; h < l.cpus(); h++) {
            plicIrqs[h * 4] = intcPhandle(h);
            plicIrqs[h * 4 + 1] = 11;   // machine external: context 2h
            plicIrqs[h * 4 + 2] = intcPhandle(h);
            plicIrqs[h * 4 + 3] = 9;    // supervisor external: context 2h+1
        }
        t.u32("interrupts-extended", plicIrqs);
        t.endNode();

        t.beginNode(String.format("serial@%x", l.uartBase()));
        t.string("compatible", "ns16550a");
        t.u64("reg", l.uartBase(), l.uartSize());
        t.u32("clock-frequency", 3_686_400);
        t.u32("reg-shift", 0).u32("reg-io-width", 1);
        t.u32("interrupt-parent", PLIC_PHANDLE).u32("interrupts", l.uartIrq());
        t.endNode();

        t.beginNode(String.format("test@%x", TestFinisher.BASE));
        t.string("compatible", "sifive,test1", "sifive,test0", "syscon");
        t.u64("reg", TestFinisher.BASE, TestFinisher.SIZE);
        t.endNode(); // no syscon-poweroff node: SBI SRST already powers off, the two would conflict
        for (Slot s : l.virtio()) {
            t.beginNode(String.format("virtio_mmio@%x", s.base()));
            t.string("compatible", "virtio,mmio");
            t.u64("reg", s.base(), s.size());
            t.u32("interrupt-parent", PLIC_PHANDLE).u32("interrupts", s.irq());
            t.endNode();
        }
        t.endNode(); // soc
        t.endNode(); // root
        return t.build(0);
    }

    private static void cpus(DeviceTree t, Layout l) {
        t.beginNode("cpus");
        t.u32("#address-cells", 1).u32("#size-cells", 0);
        t.u32("timebase-frequency", (int) dev.vessel.vmm.cpu.riscv.TimeBase.FREQUENCY_HZ);
        for (int h = 0; h < l.cpus(); h++) {
            t.beginNode("cpu@" + h);
            t.string("device_type", "cpu");
            t.u32("reg", h);
            t.string("status", "okay");
            t.string("compatible", "riscv");
            t.string("riscv,isa", l.sstc() ? ISA + "_sstc" : ISA);
            t.string("mmu-type", "riscv,sv48");
            t.beginNode("interrupt-controller");
            t.u32("#interrupt-cells", 1);
            t.empty("interrupt-controller");
            t.string("compatible", "riscv,cpu-intc");
            t.u32("phandle", intcPhandle(h));
            t.endNode();
            t.endNode();
        }
        t.endNode();
    }

    private static int intcPhandle(int hart) {
        return 1 + hart;
    }
}
