package dev.vessel.vmm.devices.virtio.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vessel.vmm.devices.CHeaders;
import dev.vessel.linux.Fds;
import dev.vessel.linux.FileData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ioctl numbers, struct ifreq layout and virtio-net header against the kernel and libc headers. */
class NetUapiTest {

    @Test
    void constantsAndLayoutsMatchTheHeaders() throws Exception {
        // if_tun.h uses _IOW without including linux/ioctl.h itself.
        assertEquals(CHeaders.values(List.of("linux/ioctl.h", "linux/if_tun.h"), List.of("TUNSETIFF", "IFF_TAP", "IFF_NO_PI")),
                Map.of("TUNSETIFF", TapDevice.TUNSETIFF, "IFF_TAP", (long) TapDevice.IFF_TAP, "IFF_NO_PI", (long) TapDevice.IFF_NO_PI));
        Map<String, Long> v = CHeaders.values(List.of("linux/sockios.h", "net/if.h", "linux/virtio_net.h",
                "fcntl.h", "sys/socket.h", "netinet/in.h", "linux/falloc.h"), List.of(
                "SIOCGIFFLAGS", "SIOCSIFFLAGS", "SIOCGIFINDEX", "SIOCBRADDIF", "SIOCBRDELIF", "IFF_UP", "IFNAMSIZ", "sizeof(struct ifreq)", "offsetof(struct ifreq, ifr_flags)",
                "offsetof(struct ifreq, ifr_ifindex)", "O_RDWR", "O_NONBLOCK", "O_CLOEXEC",
                "AF_INET", "SOCK_DGRAM", "SOCK_CLOEXEC", "FALLOC_FL_KEEP_SIZE", "FALLOC_FL_PUNCH_HOLE", "FALLOC_FL_ZERO_RANGE",
                "VIRTIO_NET_F_MAC", "sizeof(struct virtio_net_hdr_v1)", "offsetof(struct virtio_net_hdr_v1, num_buffers)",
                "offsetof(struct virtio_net_config, status)"));
        long[] ours = {TapDevice.SIOCGIFFLAGS, TapDevice.SIOCSIFFLAGS, TapDevice.SIOCGIFINDEX,
                TapDevice.SIOCBRADDIF, TapDevice.SIOCBRDELIF, TapDevice.IFF_UP,
                TapDevice.IFNAMSIZ, TapDevice.IFREQ_SIZE, TapDevice.IFNAMSIZ, TapDevice.IFNAMSIZ,
                TapDevice.O_RDWR, TapDevice.O_NONBLOCK, TapDevice.O_CLOEXEC,
                Fds.AF_INET, Fds.SOCK_DGRAM, Fds.SOCK_CLOEXEC, FileData.FALLOC_FL_KEEP_SIZE,
                FileData.FALLOC_FL_PUNCH_HOLE, FileData.FALLOC_FL_ZERO_RANGE,
                Long.numberOfTrailingZeros(VirtioNet.F_MAC), VirtioNet.HDR, 10, 6};
        int i = 0;
        for (var e : v.entrySet()) {
            assertEquals(e.getValue(), ours[i++], e.getKey());
        }
    }
}
