package dev.vessel.vmm.devices.virtio.blk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vessel.vmm.devices.CHeaders;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Request types, status codes, features and config offsets against linux/virtio_blk.h. */
class VirtioBlkUapiTest {

    @Test
    void constantsAndConfigLayoutMatchTheKernelHeader() throws Exception {
        Map<String, Long> v = CHeaders.values(List.of("linux/virtio_blk.h"), List.of(
                "VIRTIO_BLK_T_IN", "VIRTIO_BLK_T_OUT", "VIRTIO_BLK_T_FLUSH", "VIRTIO_BLK_T_GET_ID", "VIRTIO_BLK_T_DISCARD",
                "VIRTIO_BLK_T_WRITE_ZEROES", "VIRTIO_BLK_S_OK", "VIRTIO_BLK_S_IOERR", "VIRTIO_BLK_S_UNSUPP", "VIRTIO_BLK_ID_BYTES",
                "VIRTIO_BLK_F_SEG_MAX", "VIRTIO_BLK_F_RO", "VIRTIO_BLK_F_BLK_SIZE", "VIRTIO_BLK_F_FLUSH", "VIRTIO_BLK_F_DISCARD",
                "VIRTIO_BLK_F_WRITE_ZEROES", "VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP", "sizeof(struct virtio_blk_outhdr)",
                "sizeof(struct virtio_blk_discard_write_zeroes)",
                "offsetof(struct virtio_blk_config, capacity)", "offsetof(struct virtio_blk_config, seg_max)",
                "offsetof(struct virtio_blk_config, blk_size)", "offsetof(struct virtio_blk_config, max_discard_sectors)",
                "offsetof(struct virtio_blk_config, max_discard_seg)", "offsetof(struct virtio_blk_config, discard_sector_alignment)",
                "offsetof(struct virtio_blk_config, max_write_zeroes_sectors)",
                "offsetof(struct virtio_blk_config, max_write_zeroes_seg)",
                "offsetof(struct virtio_blk_config, write_zeroes_may_unmap)"));
        long[] ours = {VirtioBlk.T_IN, VirtioBlk.T_OUT, VirtioBlk.T_FLUSH, VirtioBlk.T_GET_ID, VirtioBlk.T_DISCARD,
                VirtioBlk.T_WRITE_ZEROES, VirtioBlk.S_OK, VirtioBlk.S_IOERR, VirtioBlk.S_UNSUPP, VirtioBlk.ID_BYTES,
                bit(VirtioBlk.F_SEG_MAX), bit(VirtioBlk.F_RO), bit(VirtioBlk.F_BLK_SIZE), bit(VirtioBlk.F_FLUSH),
                bit(VirtioBlk.F_DISCARD), bit(VirtioBlk.F_WRITE_ZEROES), VirtioBlk.WRITE_ZEROES_FLAG_UNMAP, 16, 16,
                0, 12, 20, 36, 40, 44, 48, 52, 56};
        int i = 0;
        for (var e : v.entrySet()) {
            assertEquals(e.getValue(), ours[i++], e.getKey());
        }
    }

    private static long bit(long feature) {
        return Long.numberOfTrailingZeros(feature);
    }
}
