package dev.vessel.image.layer;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Xattr values through PAX headers, byte for byte, in both directions. */
class PaxXattrTest {
    /** A VFS_CAP_REVISION_2 security.capability blob for cap_net_raw+ep, as setcap writes it. */
    static final byte[] CAP_NET_RAW = {0x01, 0x00, 0x00, 0x02, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    static final byte[] BINARY = {0x00, 0x01, (byte) 0x80, (byte) 0xff, (byte) 0xfe, (byte) 0xc3, 0x28, '\n', '=', 0x00};

    private record Read(String name, String content, Map<String, byte[]> xattrs) {
    }

    private static List<Read> read(byte[] tar) throws IOException {
        List<Read> out = new java.util.ArrayList<>();
        XattrTarInputStream in = new XattrTarInputStream(new ByteArrayInputStream(tar));
        for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
            out.add(new Read(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8), in.xattrs()));
        }
        return out;
    }

    private static void assertXattrs(Map<String, byte[]> expected, Map<String, byte[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> assertArrayEquals(v, actual.get(k), k));
    }

    @Test
    void binaryValuesAreReadExactlyAsGoWritesThem() throws IOException {
        byte[] tar = new RawTar()
                .pax(RawTar.records("SCHILY.xattr.security.capability", CAP_NET_RAW, "SCHILY.xattr.user.bin", BINARY,
                        "SCHILY.xattr.user.text", "a=b\nc=d\n", "SCHILY.xattr.user.empty", "", "mtime", "1580608922.5"))
                .file("bin/ping", "elf")
                .file("plain", "p")
                .build();
        List<Read> r = read(tar);
        assertEquals("bin/ping", r.get(0).name());
        assertEquals("elf", r.get(0).content(), "the content after a PAX header is intact");
        assertXattrs(Map.of("security.capability", CAP_NET_RAW, "user.bin", BINARY,
                "user.text", "a=b\nc=d\n".getBytes(StandardCharsets.UTF_8), "user.empty", new byte[0]), r.get(0).xattrs());
        assertEquals(Map.of(), r.get(1).xattrs(), "a header describes only the entry that follows it");
        assertEquals("p", r.get(1).content());
    }

    @Test
    void aHandCountedRecordIsParsed() throws IOException {
        // "26 SCHILY.xattr.user.a=" is 23 bytes; value 0x00 0xff; newline: 26 in all.
        byte[] rec = new byte[26];
        byte[] head = "26 SCHILY.xattr.user.a=".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, rec, 0, head.length);
        rec[23] = 0x00;
        rec[24] = (byte) 0xff;
        rec[25] = '\n';
        assertXattrs(Map.of("user.a", new byte[]{0x00, (byte) 0xff}), PaxRecords.xattrs(rec));
    }

    @Test
    void aLongValueAndManyAttributesSpanSeveralBlocks() throws IOException {
        byte[] big = new byte[60_000];
        new Random(4).nextBytes(big);
        Map<String, byte[]> expected = new LinkedHashMap<>();
        expected.put("user.big", big);
        for (int i = 0; i < 20; i++) {
            expected.put("user.n" + i, ("v" + i).getBytes(StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream recs = new ByteArrayOutputStream();
        expected.forEach((k, v) -> PaxRecords.append(recs, PaxRecords.SCHILY_XATTR + k, v));
        List<Read> r = read(new RawTar().pax(recs.toByteArray()).file("f", "x").build());
        assertXattrs(expected, r.get(0).xattrs());
    }

    @Test
    void recordLengthsCountTheirOwnDigitsAcrossDigitBoundaries() throws IOException {
        for (int n = 0; n < 1200; n++) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            byte[] v = new byte[n];
            java.util.Arrays.fill(v, (byte) 0xee);
            PaxRecords.append(b, "SCHILY.xattr.user.x", v);
            byte[] rec = b.toByteArray();
            String len = new String(rec, 0, new String(rec, StandardCharsets.ISO_8859_1).indexOf(' '), StandardCharsets.US_ASCII);
            assertEquals(rec.length, Integer.parseInt(len), "value of " + n + " bytes");
            assertArrayEquals(v, PaxRecords.xattrs(rec).get("user.x"));
        }
    }

    @Test
    void libarchiveBase64FormWithAnEncodedName() throws IOException {
        // bsdtar: name percent-encoded ('=' and '%' and bytes outside 0x21-0x7e), value base64 without padding.
        String b64 = Base64.getEncoder().withoutPadding().encodeToString(BINARY);
        byte[] tar = new RawTar()
                .pax(RawTar.records("LIBARCHIVE.xattr.user.a%3Db+c%20d%25", b64, "LIBARCHIVE.xattr.user.both", b64,
                        "SCHILY.xattr.user.both", BINARY))
                .file("f", "x").build();
        assertXattrs(Map.of("user.a=b+c d%", BINARY, "user.both", BINARY), read(tar).get(0).xattrs());
    }

    @Test
    void anEqualsSignInASchilyNameIsEscapedAsGnuTarDoes() throws IOException {
        byte[] tar = new RawTar().pax(RawTar.records("SCHILY.xattr.user.a%3Db%25c", "v")).file("f", "x").build();
        assertXattrs(Map.of("user.a=b%c", "v".getBytes()), read(tar).get(0).xattrs());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PaxTarOutputStream out = new PaxTarOutputStream(bytes)) {
            out.putArchiveEntry(new TarArchiveEntry("f", TarConstants.LF_NORMAL), Map.of("user.a=b%c", BINARY));
            out.closeArchiveEntry();
        }
        assertTrue(new String(bytes.toByteArray(), StandardCharsets.ISO_8859_1).contains("SCHILY.xattr.user.a%3Db%25c="));
        XattrTarInputStream in = new XattrTarInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        in.getNextEntry();
        assertXattrs(Map.of("user.a=b%c", BINARY), in.xattrs());
    }

    @Test
    void globalHeadersApplyToEveryLaterEntryAndALocalHeaderOverridesThem() throws IOException {
        byte[] tar = new RawTar()
                .pax(TarConstants.LF_PAX_GLOBAL_EXTENDED_HEADER, RawTar.records("SCHILY.xattr.user.g", BINARY,
                        "SCHILY.xattr.user.o", "global"))
                .pax(RawTar.records("SCHILY.xattr.user.o", "local"))
                .file("a", "1")
                .file("b", "2")
                .build();
        List<Read> r = read(tar);
        assertEquals(List.of("a", "b"), r.stream().map(Read::name).toList());
        assertXattrs(Map.of("user.g", BINARY, "user.o", "local".getBytes()), r.get(0).xattrs());
        assertXattrs(Map.of("user.g", BINARY, "user.o", "global".getBytes()), r.get(1).xattrs());
    }

    @Test
    void malformedRecordsAreRefusedWithTheirOffset() {
        IOException e = assertThrows(IOException.class,
                () -> PaxRecords.xattrs("30 SCHILY.xattr.user.a=b\n".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(e.getMessage().contains("byte 0"), e.getMessage());
        assertThrows(IOException.class, () -> PaxRecords.xattrs("x SCHILY.xattr.user.a=b\n".getBytes(StandardCharsets.US_ASCII)));
        assertThrows(IOException.class, () -> PaxRecords.xattrs("0 \n".getBytes(StandardCharsets.US_ASCII)));
        assertThrows(IOException.class, () -> PaxRecords.xattrs("29 LIBARCHIVE.xattr.user.a=*\n".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void theWriterPutsOneHeaderPerEntryWithRawValuesAndEveryLongField() throws IOException {
        String longName = "d/" + "n".repeat(140);
        String unicode = "dir/fïlé";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Instant nanos = Instant.parse("2021-03-04T05:06:07.123456789Z");
        try (PaxTarOutputStream tar = new PaxTarOutputStream(bytes)) {
            TarArchiveEntry a = new TarArchiveEntry(longName, TarConstants.LF_NORMAL);
            a.setSize(2);
            a.setUserId(3_000_000); // past the 7-digit octal field
            a.setModTime(FileTime.from(nanos));
            tar.putArchiveEntry(a, Map.of("user.bin", BINARY, "security.capability", CAP_NET_RAW));
            tar.write("hi".getBytes(StandardCharsets.US_ASCII));
            tar.closeArchiveEntry();
            TarArchiveEntry l = new TarArchiveEntry(unicode, TarConstants.LF_SYMLINK);
            l.setLinkName("tärget/" + "t".repeat(120));
            l.setModTime(FileTime.from(TarBuilder.MTIME));
            tar.putArchiveEntry(l);
            tar.closeArchiveEntry();
            TarArchiveEntry p = new TarArchiveEntry("plain", TarConstants.LF_NORMAL);
            p.setModTime(FileTime.from(TarBuilder.MTIME));
            tar.putArchiveEntry(p);
            tar.closeArchiveEntry();
        }
        byte[] tar = bytes.toByteArray();
        assertEquals(List.of('x', '0', 'x', '2', '0'), typeFlags(tar), "one PAX header before each entry that needs one");

        XattrTarInputStream in = new XattrTarInputStream(new ByteArrayInputStream(tar));
        TarArchiveEntry a = in.getNextEntry();
        assertEquals(longName, a.getName());
        assertEquals(3_000_000L, a.getLongUserId());
        assertEquals(nanos, a.getLastModifiedTime().toInstant());
        assertEquals("hi", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        assertXattrs(Map.of("user.bin", BINARY, "security.capability", CAP_NET_RAW), in.xattrs());
        TarArchiveEntry l = in.getNextEntry();
        assertEquals(unicode, l.getName());
        assertEquals("tärget/" + "t".repeat(120), l.getLinkName());
        assertEquals(Map.of(), in.xattrs());
        TarArchiveEntry p = in.getNextEntry();
        assertEquals("plain", p.getName());
        assertEquals(TarBuilder.MTIME, p.getLastModifiedTime().toInstant());
        assertNull(in.getNextEntry());
    }

    /** The type flag of every header block, walking the archive by the sizes its headers give. */
    static List<Character> typeFlags(byte[] tar) {
        List<Character> out = new java.util.ArrayList<>();
        int at = 0;
        while (at + 512 <= tar.length && tar[at] != 0) {
            String size = new String(tar, at + 124, 11, StandardCharsets.US_ASCII).trim();
            out.add((char) tar[at + 156]);
            at += 512 + (int) ((Long.parseLong(size, 8) + 511) / 512 * 512);
        }
        return out;
    }
}
