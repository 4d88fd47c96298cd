package dev.vessel.vmm.devices.virtio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vessel.vmm.devices.CHeaders;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The transport's register map and ring flags against linux/virtio_mmio.h and linux/virtio_ring.h. */
class VirtioUapiTest {

    @Test
    void registerOffsetsAndFlagsMatchTheKernelHeaders() throws Exception {
        Map<String, Long> v = CHeaders.values(List.of("linux/virtio_mmio.h", "linux/virtio_ring.h", "linux/virtio_config.h"), List.of(
                "VIRTIO_MMIO_MAGIC_VALUE", "VIRTIO_MMIO_VERSION", "VIRTIO_MMIO_DEVICE_ID", "VIRTIO_MMIO_VENDOR_ID",
                "VIRTIO_MMIO_DEVICE_FEATURES", "VIRTIO_MMIO_DEVICE_FEATURES_SEL", "VIRTIO_MMIO_DRIVER_FEATURES",
                "VIRTIO_MMIO_DRIVER_FEATURES_SEL", "VIRTIO_MMIO_QUEUE_SEL", "VIRTIO_MMIO_QUEUE_NUM_MAX", "VIRTIO_MMIO_QUEUE_NUM",
                "VIRTIO_MMIO_QUEUE_READY", "VIRTIO_MMIO_QUEUE_NOTIFY", "VIRTIO_MMIO_INTERRUPT_STATUS", "VIRTIO_MMIO_INTERRUPT_ACK",
                "VIRTIO_MMIO_STATUS", "VIRTIO_MMIO_QUEUE_DESC_LOW", "VIRTIO_MMIO_QUEUE_DESC_HIGH", "VIRTIO_MMIO_QUEUE_AVAIL_LOW",
                "VIRTIO_MMIO_QUEUE_AVAIL_HIGH", "VIRTIO_MMIO_QUEUE_USED_LOW", "VIRTIO_MMIO_QUEUE_USED_HIGH",
                "VIRTIO_MMIO_SHM_SEL", "VIRTIO_MMIO_SHM_LEN_LOW", "VIRTIO_MMIO_SHM_BASE_HIGH", "VIRTIO_MMIO_CONFIG_GENERATION",
                "VIRTIO_MMIO_CONFIG", "VIRTIO_MMIO_INT_VRING", "VIRTIO_MMIO_INT_CONFIG",
                "VRING_DESC_F_NEXT", "VRING_DESC_F_WRITE", "VRING_DESC_F_INDIRECT", "VRING_AVAIL_F_NO_INTERRUPT",
                "sizeof(struct vring_desc)", "VIRTIO_RING_F_INDIRECT_DESC", "VIRTIO_RING_F_EVENT_IDX", "VIRTIO_F_VERSION_1",
                "VIRTIO_CONFIG_S_ACKNOWLEDGE", "VIRTIO_CONFIG_S_DRIVER", "VIRTIO_CONFIG_S_DRIVER_OK",
                "VIRTIO_CONFIG_S_FEATURES_OK", "VIRTIO_CONFIG_S_NEEDS_RESET", "VIRTIO_CONFIG_S_FAILED"));
        long[] ours = {VirtioMmio.MAGIC_VALUE, VirtioMmio.VERSION, VirtioMmio.DEVICE_ID, VirtioMmio.VENDOR_ID,
                VirtioMmio.DEVICE_FEATURES, VirtioMmio.DEVICE_FEATURES_SEL, VirtioMmio.DRIVER_FEATURES,
                VirtioMmio.DRIVER_FEATURES_SEL, VirtioMmio.QUEUE_SEL, VirtioMmio.QUEUE_NUM_MAX, VirtioMmio.QUEUE_NUM,
                VirtioMmio.QUEUE_READY, VirtioMmio.QUEUE_NOTIFY, VirtioMmio.INTERRUPT_STATUS, VirtioMmio.INTERRUPT_ACK,
                VirtioMmio.STATUS, VirtioMmio.QUEUE_DESC_LOW, VirtioMmio.QUEUE_DESC_HIGH, VirtioMmio.QUEUE_DRIVER_LOW,
                VirtioMmio.QUEUE_DRIVER_HIGH, VirtioMmio.QUEUE_DEVICE_LOW, VirtioMmio.QUEUE_DEVICE_HIGH,
                VirtioMmio.SHM_SEL, VirtioMmio.SHM_LEN_LOW, VirtioMmio.SHM_BASE_HIGH, VirtioMmio.CONFIG_GENERATION,
                VirtioMmio.CONFIG, VirtioMmio.INT_USED_BUFFER, VirtioMmio.INT_CONFIG_CHANGE,
                Virtqueue.DESC_F_NEXT, Virtqueue.DESC_F_WRITE, Virtqueue.DESC_F_INDIRECT, Virtqueue.AVAIL_F_NO_INTERRUPT,
                16, Long.numberOfTrailingZeros(VirtioFeatures.RING_INDIRECT_DESC),
                Long.numberOfTrailingZeros(VirtioFeatures.RING_EVENT_IDX), Long.numberOfTrailingZeros(VirtioFeatures.VERSION_1),
                VirtioMmio.STATUS_ACKNOWLEDGE, VirtioMmio.STATUS_DRIVER, VirtioMmio.STATUS_DRIVER_OK,
                VirtioMmio.STATUS_FEATURES_OK, VirtioMmio.STATUS_NEEDS_RESET, VirtioMmio.STATUS_FAILED};
        int i = 0;
        for (var e : v.entrySet()) {
            assertEquals(e.getValue(), ours[i++], e.getKey());
        }
    }
}
