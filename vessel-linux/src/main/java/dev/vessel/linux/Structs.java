package dev.vessel.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * C struct layouts for LP64 Linux (x86_64, arm64). Each one has a size and offset test
 * ({@code StructsTest}) against the values of the glibc/kernel headers.
 */
public final class Structs {

    /** struct winsize (asm-generic/termios.h). */
    public static final StructLayout WINSIZE = MemoryLayout.structLayout(
            JAVA_SHORT.withName("ws_row"), JAVA_SHORT.withName("ws_col"),
            JAVA_SHORT.withName("ws_xpixel"), JAVA_SHORT.withName("ws_ypixel")).withName("winsize");

    /** struct pollfd (asm-generic/poll.h). */
    public static final StructLayout POLLFD = MemoryLayout.structLayout(
            JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"), JAVA_SHORT.withName("revents"))
            .withName("pollfd");

    /** struct iovec (linux/uio.h). */
    public static final StructLayout IOVEC = MemoryLayout.structLayout(
            ADDRESS.withName("iov_base"), JAVA_LONG.withName("iov_len")).withName("iovec");

    /** struct msghdr (glibc bits/socket.h; the kernel's user_msghdr has the same layout). */
    public static final StructLayout MSGHDR = MemoryLayout.structLayout(
            ADDRESS.withName("msg_name"), JAVA_INT.withName("msg_namelen"), MemoryLayout.paddingLayout(4),
            ADDRESS.withName("msg_iov"), JAVA_LONG.withName("msg_iovlen"),
            ADDRESS.withName("msg_control"), JAVA_LONG.withName("msg_controllen"),
            JAVA_INT.withName("msg_flags"), MemoryLayout.paddingLayout(4)).withName("msghdr");

    /** struct cmsghdr (bits/socket.h); the data follows, aligned to 8 (CMSG_ALIGN). */
    public static final StructLayout CMSGHDR = MemoryLayout.structLayout(
            JAVA_LONG.withName("cmsg_len"), JAVA_INT.withName("cmsg_level"), JAVA_INT.withName("cmsg_type"))
            .withName("cmsghdr");

    /** struct sockaddr_un (sys/un.h): sa_family_t, then a 108-byte path. */
    public static final StructLayout SOCKADDR_UN = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sun_family"), MemoryLayout.sequenceLayout(108, JAVA_BYTE).withName("sun_path"))
            .withName("sockaddr_un");

    /** struct timespec (bits/types/struct_timespec.h; time_t and long are 64 bits on LP64). */
    public static final StructLayout TIMESPEC = MemoryLayout.structLayout(
            JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_nsec")).withName("timespec");

    static final long MSG_IOV = offset(MSGHDR, "msg_iov"), MSG_IOVLEN = offset(MSGHDR, "msg_iovlen"),
            MSG_CONTROL = offset(MSGHDR, "msg_control"), MSG_CONTROLLEN = offset(MSGHDR, "msg_controllen"),
            IOV_BASE = offset(IOVEC, "iov_base"), IOV_LEN = offset(IOVEC, "iov_len"),
            CMSG_LEN = offset(CMSGHDR, "cmsg_len"), CMSG_LEVEL = offset(CMSGHDR, "cmsg_level"),
            CMSG_TYPE = offset(CMSGHDR, "cmsg_type");

    private Structs() {}

    /** Byte offset of a named field, for tests and for the accessors above. */
    public static long offset(StructLayout layout, String field) {
        return layout.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    /** CMSG_ALIGN: control data is padded to the size of a long. */
    public static long cmsgAlign(long length) {
        return (length + 7) & ~7L;
    }

    /** CMSG_SPACE(dataLength): bytes of control buffer one message with this much data takes. */
    public static long cmsgSpace(long dataLength) {
        return cmsgAlign(CMSGHDR.byteSize()) + cmsgAlign(dataLength);
    }

    /** CMSG_LEN(dataLength): the value of cmsg_len for this much data. */
    public static long cmsgLen(long dataLength) {
        return cmsgAlign(CMSGHDR.byteSize()) + dataLength;
    }
}
