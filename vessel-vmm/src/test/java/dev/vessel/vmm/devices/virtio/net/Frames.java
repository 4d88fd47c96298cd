package dev.vessel.vmm.devices.virtio.net;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** Builds and recognizes the few Ethernet frames the network tests exchange. */
final class Frames {

    private Frames() {
    }

    static byte[] arpRequest(byte[] mac, byte[] ip, byte[] targetIp) {
        ByteBuffer b = ByteBuffer.allocate(60); // minimum Ethernet frame, zero padded
        b.put(new byte[] {-1, -1, -1, -1, -1, -1}).put(mac).putShort((short) 0x0806);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1);
        b.put(mac).put(ip).put(new byte[6]).put(targetIp);
        return b.array();
    }

    static boolean isArpReplyFrom(byte[] f, byte[] senderIp, byte[] targetMac) {
        return f.length >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[20] == 0 && f[21] == 2
                && Arrays.equals(Arrays.copyOfRange(f, 28, 32), senderIp)
                && Arrays.equals(Arrays.copyOfRange(f, 32, 38), targetMac);
    }

    static byte[] icmpEcho(byte[] srcMac, byte[] dstMac, byte[] srcIp, byte[] dstIp, int id, int seq, byte[] payload) {
        int icmpLen = 8 + payload.length;
        ByteBuffer b = ByteBuffer.allocate(Math.max(60, 14 + 20 + icmpLen));
        b.put(dstMac).put(srcMac).putShort((short) 0x0800);
        int ip = b.position();
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + icmpLen)).putShort((short) 1).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 1).putShort((short) 0).put(srcIp).put(dstIp);
        b.putShort(ip + 10, checksum(b.array(), ip, 20));
        int icmp = b.position();
        b.put((byte) 8).put((byte) 0).putShort((short) 0).putShort((short) id).putShort((short) seq).put(payload);
        b.putShort(icmp + 2, checksum(b.array(), icmp, icmpLen));
        return b.array();
    }

    static boolean isEchoReply(byte[] f, byte[] srcIp, byte[] dstIp, int id) {
        return f.length >= 42 && f[12] == 0x08 && f[13] == 0x00 && f[23] == 1
                && Arrays.equals(Arrays.copyOfRange(f, 26, 30), srcIp) && Arrays.equals(Arrays.copyOfRange(f, 30, 34), dstIp)
                && f[34] == 0 && (((f[38] & 0xFF) << 8) | (f[39] & 0xFF)) == id;
    }

    /** RFC 1071 Internet checksum. */
    static short checksum(byte[] d, int off, int len) {
        long sum = 0;
        for (int i = 0; i + 1 < len; i += 2) {
            sum += ((d[off + i] & 0xFF) << 8) | (d[off + i + 1] & 0xFF);
        }
        if ((len & 1) != 0) {
            sum += (d[off + len - 1] & 0xFF) << 8;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (short) ~sum;
    }
}
