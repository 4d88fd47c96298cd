package dev.vessel.runtime.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vessel.runtime.seccomp.BpfInterpreter.Data;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class BpfAssemblerTest {

    @Test
    void farTargetsGoThroughJaTrampolines() {
        for (int gap : new int[] {0, 254, 255, 256, 257, 1000}) {
            BpfAssembler asm = new BpfAssembler();
            BpfAssembler.Label far = asm.label(), near = asm.label();
            asm.load(Bpf.OFF_NR);
            asm.jump(Bpf.JEQ_K, 1, far, null);
            asm.jump(Bpf.JGE_K, 2, null, far);
            asm.jump(Bpf.JEQ_K, 3, near, far);
            asm.ret(3);
            asm.bind(near);
            asm.ret(4);
            for (int i = 0; i < gap; i++) {
                asm.ret(100);
            }
            asm.bind(far);
            asm.ret(7);
            byte[] prog = asm.assemble();
            BpfInterpreter bpf = new BpfInterpreter();
            assertEquals(7, bpf.run(prog, Data.x86_64(1)), "gap " + gap);
            assertEquals(7, bpf.run(prog, Data.x86_64(0)), "gap " + gap);
            assertEquals(4, bpf.run(prog, Data.x86_64(3)), "gap " + gap);
            assertEquals(7, bpf.run(prog, Data.x86_64(5)), "gap " + gap);
            int trampolines = prog.length / 8 - (gap + 7);
            if (gap == 0 || gap > 255) {
                assertEquals(gap == 0 ? 0 : 3, trampolines, "gap " + gap);
            }
        }
    }

    @Test
    void encodesLittleEndianSockFilter() {
        BpfAssembler asm = new BpfAssembler();
        asm.ret(0x7fff0000);
        ByteBuffer b = ByteBuffer.wrap(asm.assemble()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(Bpf.RET_K, b.getShort(0));
        assertEquals(0, b.get(2));
        assertEquals(0, b.get(3));
        assertEquals(0x7fff0000, b.getInt(4));
    }
}
