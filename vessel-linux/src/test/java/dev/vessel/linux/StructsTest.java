package dev.vessel.linux;

import static dev.vessel.linux.Structs.offset;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Sizes and offsets as printed by a C program using offsetof/sizeof on x86_64 glibc 2.36. */
class StructsTest {

    @Test
    void winsize() {
        assertEquals(8, Structs.WINSIZE.byteSize());
        assertEquals(0, offset(Structs.WINSIZE, "ws_row"));
        assertEquals(2, offset(Structs.WINSIZE, "ws_col"));
        assertEquals(4, offset(Structs.WINSIZE, "ws_xpixel"));
        assertEquals(6, offset(Structs.WINSIZE, "ws_ypixel"));
    }

    @Test
    void pollfd() {
        assertEquals(8, Structs.POLLFD.byteSize());
        assertEquals(0, offset(Structs.POLLFD, "fd"));
        assertEquals(4, offset(Structs.POLLFD, "events"));
        assertEquals(6, offset(Structs.POLLFD, "revents"));
    }

    @Test
    void iovec() {
        assertEquals(16, Structs.IOVEC.byteSize());
        assertEquals(0, offset(Structs.IOVEC, "iov_base"));
        assertEquals(8, offset(Structs.IOVEC, "iov_len"));
    }

    @Test
    void msghdr() {
        assertEquals(56, Structs.MSGHDR.byteSize());
        assertEquals(0, offset(Structs.MSGHDR, "msg_name"));
        assertEquals(8, offset(Structs.MSGHDR, "msg_namelen"));
        assertEquals(16, offset(Structs.MSGHDR, "msg_iov"));
        assertEquals(24, offset(Structs.MSGHDR, "msg_iovlen"));
        assertEquals(32, offset(Structs.MSGHDR, "msg_control"));
        assertEquals(40, offset(Structs.MSGHDR, "msg_controllen"));
        assertEquals(48, offset(Structs.MSGHDR, "msg_flags"));
    }

    @Test
    void cmsghdrAndMacros() {
        assertEquals(16, Structs.CMSGHDR.byteSize());
        assertEquals(0, offset(Structs.CMSGHDR, "cmsg_len"));
        assertEquals(8, offset(Structs.CMSGHDR, "cmsg_level"));
        assertEquals(12, offset(Structs.CMSGHDR, "cmsg_type"));
        assertEquals(24, Structs.cmsgSpace(4)); // CMSG_SPACE(sizeof(int))
        assertEquals(20, Structs.cmsgLen(4));   // CMSG_LEN(sizeof(int))
    }

    @Test
    void timespec() {
        assertEquals(16, Structs.TIMESPEC.byteSize());
        assertEquals(0, offset(Structs.TIMESPEC, "tv_sec"));
        assertEquals(8, offset(Structs.TIMESPEC, "tv_nsec"));
    }
}
