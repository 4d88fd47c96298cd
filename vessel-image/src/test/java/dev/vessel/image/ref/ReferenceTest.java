package dev.vessel.image.ref;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.*;

class ReferenceTest {
    private static final String D = "sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            # input                                  | domain          | path              | tag     | familiar
            busybox                                  | docker.io       | library/busybox   | latest  | busybox:latest
            library/busybox:1.36                     | docker.io       | library/busybox   | 1.36    | busybox:1.36
            docker.io/busybox                        | docker.io       | library/busybox   | latest  | busybox:latest
            index.docker.io/library/busybox          | docker.io       | library/busybox   | latest  | busybox:latest
            user/app:v1.2_3-rc                       | docker.io       | user/app          | v1.2_3-rc | user/app:v1.2_3-rc
            localhost/app                            | localhost       | app               | latest  | localhost/app:latest
            localhost:5000/app                       | localhost:5000  | app               | latest  | localhost:5000/app:latest
            quay.io/a/b/c:tag                        | quay.io         | a/b/c             | tag     | quay.io/a/b/c:tag
            127.0.0.1:5000/a__b.c-d--e:x             | 127.0.0.1:5000  | a__b.c-d--e       | x       | 127.0.0.1:5000/a__b.c-d--e:x
            [::1]:5000/app:1                         | [::1]:5000      | app               | 1       | [::1]:5000/app:1
            Registry/app                             | Registry        | app               | latest  | Registry/app:latest
            """)
    void parsesAndNormalisesAsDockerDoes(String input, String domain, String path, String tag, String familiar) {
        Reference r = Reference.parse(input);
        assertEquals(domain, r.domain());
        assertEquals(path, r.path());
        assertEquals(tag, r.tag());
        assertNull(r.digest());
        assertEquals(familiar, r.familiar());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            localhost:5000/app@SHA                   | localhost:5000 | app | -
            host:5000/a/b:tag@SHA                    | host:5000      | a/b | tag
            busybox@SHA                              | docker.io      | library/busybox | -
            """)
    void digestReferencesKeepATagOnlyIfWritten(String input, String domain, String path, String tag) {
        Reference r = Reference.parse(input.replace("SHA", D));
        assertEquals(domain, r.domain());
        assertEquals(path, r.path());
        assertEquals(tag, r.tag());
        assertEquals(D, r.digest().toString());
        assertEquals(D, r.apiReference());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            ''                           | is empty
            Busybox                      | must be lowercase
            library/BusyBox              | must be lowercase
            busybox:                     | tag "" is invalid
            busybox:-x                   | tag "-x" is invalid
            busybox:a/b                  | registry port "a" is invalid
            a//b                         | empty component
            busybox/                     | empty component
            localhost:99999/app          | port "99999" is invalid
            local_host:5000/app          | registry host "local_host" is invalid
            -bad.com/app                 | registry host "-bad.com" is invalid
            app@sha256:abc               | digest "sha256:abc" is invalid
            app@md5:abc                  | not supported
            a..b                         | path component "a..b" is invalid
            :tag                         | repository name is missing
            """)
    void errorsNameTheWrongPart(String input, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Reference.parse(input));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void tooLongNameIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Reference.parse("x.io/" + "a".repeat(260)));
        assertTrue(e.getMessage().contains("longer than 255"), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void hubApiHostDiffersFromItsName() {
        assertEquals("registry-1.docker.io", Reference.parse("busybox").registryHost());
        assertEquals("localhost:5000", Reference.parse("localhost:5000/x").registryHost());
        assertEquals("docker.io/library/busybox:latest", Reference.parse("busybox").toString());
    }
}
