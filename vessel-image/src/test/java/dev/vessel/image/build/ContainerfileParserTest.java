package dev.vessel.image.build;

import dev.vessel.image.oci.ImageConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ContainerfileParserTest {
    private static Containerfile parse(String text) {
        return ContainerfileParser.parse("Containerfile", text, Map.of());
    }

    @Test
    void parsesAMultiStageFileWithEveryInstruction() {
        Containerfile cf = ContainerfileParser.parse("Containerfile", """
                # a comment before anything
                ARG BASE=busybox
                ARG TAG
                FROM --platform=linux/amd64 ${BASE}:${TAG:-1.36} AS Builder
                RUN --network=host wget -O /x http://example/ && \\
                    # a comment inside the continuation
                    chmod +x /x
                COPY --chown=1000:1000 src/ lib/*.so /opt/app/
                ADD rootfs.tar.gz /
                ENV PATH=/opt/bin:$PATH NAME="hello world"
                ENV LEGACY value with spaces
                ARG VERSION=1
                WORKDIR /opt/$NAME
                USER app:staff

                FROM scratch
                COPY --from=builder --chmod=0755 /x /usr/bin/x
                EXPOSE 80 53/udp 8000-8010/tcp
                LABEL org.opencontainers.image.title="my app" version=$VERSION
                VOLUME ["/data", "/cache"]
                VOLUME /logs
                STOPSIGNAL SIGTERM
                SHELL ["/bin/ash", "-eo", "pipefail", "-c"]
                ENTRYPOINT ["/usr/bin/x"]
                CMD --serve
                """, Map.of("TAG", "stable"));
        assertEquals(2, cf.globalArgs().size());
        assertEquals(2, cf.stages().size());
        Containerfile.Stage b = cf.stages().get(0);
        assertEquals(new Instruction.From(4, "busybox:stable", "linux/amd64", "builder"), b.from());
        assertEquals(b, cf.stage("builder").orElseThrow());
        assertEquals(b, cf.stage("0").orElseThrow());
        var run = (Instruction.Run) b.instructions().get(0);
        assertEquals(5, run.line());
        assertEquals("host", run.network());
        assertTrue(run.command().shellForm());
        assertEquals("wget -O /x http://example/ &&      chmod +x /x", run.command().args().getFirst());
        assertEquals(new Instruction.Copy(8, false, List.of("src/", "lib/*.so"), "/opt/app/", null, "1000:1000", null),
                b.instructions().get(1));
        assertEquals(new Instruction.Copy(9, true, List.of("rootfs.tar.gz"), "/", null, null, null), b.instructions().get(2));
        assertEquals(Map.of("PATH", "/opt/bin:$PATH", "NAME", "hello world"), ((Instruction.Env) b.instructions().get(3)).vars());
        assertEquals(Map.of("LEGACY", "value with spaces"), ((Instruction.Env) b.instructions().get(4)).vars());
        assertEquals(new Instruction.Arg(12, "VERSION", "1"), b.instructions().get(5));
        assertEquals(new Instruction.Workdir(13, "/opt/$NAME"), b.instructions().get(6));
        assertEquals(new Instruction.User(14, "app:staff"), b.instructions().get(7));

        Containerfile.Stage s = cf.stages().get(1);
        assertEquals("scratch", s.from().image());
        assertEquals(new Instruction.Copy(17, false, List.of("/x"), "/usr/bin/x", "builder", null, "0755"),
                s.instructions().get(0));
        assertEquals(List.of("80", "53/udp", "8000-8010/tcp"), ((Instruction.Expose) s.instructions().get(1)).ports());
        assertEquals(Map.of("org.opencontainers.image.title", "my app", "version", "$VERSION"),
                ((Instruction.Label) s.instructions().get(2)).labels());
        assertEquals(List.of("/data", "/cache"), ((Instruction.Volume) s.instructions().get(3)).paths());
        assertEquals(List.of("/logs"), ((Instruction.Volume) s.instructions().get(4)).paths());
        assertEquals(List.of("/bin/ash", "-eo", "pipefail", "-c"), ((Instruction.Shell) s.instructions().get(6)).shell());
        var ep = (Instruction.Entrypoint) s.instructions().get(7);
        assertEquals(new Instruction.Command(List.of("/usr/bin/x"), false), ep.command());
        assertEquals(new Instruction.Command(List.of("--serve"), true), ((Instruction.Cmd) s.instructions().get(8)).command());
    }

    @Test
    void runDefaultsToNoNetworkAndBrokenJsonIsShellForm() {
        Containerfile cf = parse("FROM a\nRUN [\"echo\", \"x\"]\nRUN [not json\n");
        var exec = (Instruction.Run) cf.stages().getFirst().instructions().get(0);
        assertEquals("none", exec.network());
        assertFalse(exec.command().shellForm());
        assertTrue(((Instruction.Run) cf.stages().getFirst().instructions().get(1)).command().shellForm());
    }

    @Test
    void escapeDirectiveSwitchesTheContinuationCharacter() {
        Containerfile cf = parse("# escape=`\nFROM a\nRUN echo one `\n    two\nCOPY C:\\src\\ C:\\dst\\\n");
        var run = (Instruction.Run) cf.stages().getFirst().instructions().get(0);
        assertEquals("echo one      two", run.command().args().getFirst());
        var copy = (Instruction.Copy) cf.stages().getFirst().instructions().get(1);
        assertEquals(List.of("C:\\src\\"), copy.sources());
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', textBlock = """
            FROM a\\nCOPY onlyone                         | Containerfile:2: COPY needs at least one source and a destination
            RUN echo hi\\nFROM a                           | Containerfile:1: RUN comes before the first FROM; only ARG may
            FROM a\\nBOGUS x                               | Containerfile:2: unknown instruction "BOGUS"
            FROM a\\n\\n\\nRUN --mount=type=cache x         | Containerfile:4: RUN does not support the flag --mount (supported: --network)
            FROM a\\nCOPY --from x /y                      | Containerfile:2: COPY --from needs a value: --from=VALUE
            FROM a\\nADD https://x.org/f /f               | Containerfile:2: ADD https://x.org/f: remote sources are not supported
            FROM a\\nCOPY a b c                            | Containerfile:2: COPY with several sources needs a destination directory ending in '/'
            FROM a\\nEXPOSE 80/http                        | Containerfile:2: EXPOSE 80/http: a port is NUMBER[/tcp|udp|sctp]
            FROM a\\nENV novalue                           | Containerfile:2: ENV novalue needs a value
            FROM a\\nLABEL x                               | Containerfile:2: LABEL expects NAME=VALUE pairs
            FROM a\\nSHELL /bin/sh -c                      | Containerfile:2: SHELL must be a JSON array
            FROM a\\nHEALTHCHECK true                      | Containerfile:2: HEALTHCHECK takes CMD COMMAND or NONE, not "true"
            FROM a\\nHEALTHCHECK NONE CMD x                | Containerfile:2: HEALTHCHECK NONE takes no other arguments
            FROM a\\nHEALTHCHECK CMD                       | Containerfile:2: HEALTHCHECK CMD needs a command
            FROM a\\n\\nHEALTHCHECK --interval=5 CMD x     | Containerfile:3: HEALTHCHECK --interval=5 is not a duration (e.g. 30s, 1m30s, 500ms)
            FROM a\\nHEALTHCHECK --timeout=10us CMD x      | Containerfile:2: HEALTHCHECK --timeout=10us cannot be less than 1ms
            FROM a\\nHEALTHCHECK --retries=-1 CMD x        | Containerfile:2: HEALTHCHECK --retries=-1 cannot be negative
            FROM a\\nHEALTHCHECK --every=1s CMD x          | Containerfile:2: HEALTHCHECK does not support the flag --every
            FROM a\\nONBUILD ONBUILD RUN x                 | Containerfile:2: ONBUILD ONBUILD is not allowed
            FROM a\\nONBUILD FROM b                        | Containerfile:2: ONBUILD FROM is not allowed
            FROM a\\n\\nONBUILD COPY onlyone              | Containerfile:3: ONBUILD: COPY needs at least one source and a destination
            FROM a\\nONBUILD BOGUS x                       | Containerfile:2: ONBUILD: unknown instruction "BOGUS"
            FROM a AS x\\nFROM b AS X                      | Containerfile:2: stage name "x" is used twice
            FROM a AS 1x                                   | Containerfile:1: stage name "1x" must start with a letter
            FROM $NOPE                                     | Containerfile:1: FROM $NOPE expands to an empty image name
            FROM ${BAD                                     | Containerfile:1: unterminated ${
            FROM a\\nCOPY --chmod=rwx a /b                 | Containerfile:2: COPY --chmod=rwx must be octal
            FROM a\\nRUN <<EOF\\necho                       | Containerfile:2: here-document <<EOF has no closing line "EOF"
            FROM a\\nRUN ["sh"] <<EOF\\nx\\nEOF            | Containerfile:2: RUN in exec form (JSON) cannot take a here-document
            FROM a\\nONBUILD RUN <<EOF\\nx\\nEOF           | Containerfile:2: ONBUILD with a here-document is not supported
            FROM a\\nUSER a b                              | Containerfile:2: USER takes one argument
            FROM a\\nLABEL a="unterminated                 | Containerfile:2: unterminated " quote
            ARG X=1                                       | Containerfile:1: no FROM instruction
            """)
    void errorsPointAtTheLine(String text, String expected) {
        BuildException e = assertThrows(BuildException.class, () -> parse(text.replace("\\n", "\n")));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }

    @Test
    void healthcheckInDockersConfigForm() {
        List<Instruction> ins = parse("""
                FROM a
                HEALTHCHECK --interval=1m30s --timeout=500ms --start-period=1.5s --start-interval=2s --retries=5 \\
                    CMD curl -f http://localhost/ || exit 1
                HEALTHCHECK CMD ["/bin/check", "--quick"]
                HEALTHCHECK NONE
                STOPSIGNAL SIGTERM
                """).stages().getFirst().instructions();
        Instruction.Healthcheck h = (Instruction.Healthcheck) ins.get(0);
        assertEquals(2, h.line());
        assertEquals(new ImageConfig.Healthcheck(List.of("CMD-SHELL", "curl -f http://localhost/ || exit 1"),
                90_000_000_000L, 500_000_000L, 1_500_000_000L, 2_000_000_000L, 5), h.check());
        assertEquals(new ImageConfig.Healthcheck(List.of("CMD", "/bin/check", "--quick"), null, null, null, null, null),
                ((Instruction.Healthcheck) ins.get(1)).check(), "unset fields stay unset: inherit or default");
        assertEquals(List.of("NONE"), ((Instruction.Healthcheck) ins.get(2)).check().test());
        assertEquals("SIGTERM", ((Instruction.StopSignal) ins.get(3)).signal());
    }

    @Test
    void goDurations() {
        assertEquals(0, Healthchecks.nanos("0", "d"));
        assertEquals(3_723_004_005_006L, Healthchecks.nanos("1h2m3s4ms5us6ns", "d"));
        assertEquals(1_500_000L, Healthchecks.nanos("1.5ms", "d"));
        assertEquals(-2_000_000_000L, Healthchecks.nanos("-2s", "d"));
        for (String bad : List.of("", "5", "1x", "s", "1S", ".s", "1h-2m")) {
            assertThrows(IllegalArgumentException.class, () -> Healthchecks.nanos(bad, "d"), bad);
        }
    }

    @Test
    void onbuildKeepsTheTriggerAsWrittenAndTriggersParseAtTheFromLine() {
        List<Instruction> ins = parse("FROM a\nONBUILD COPY --chown=1:1 app/ /app/\nONBUILD RUN make $TARGET\n")
                .stages().getFirst().instructions();
        assertEquals(new Instruction.OnBuild(2, "COPY --chown=1:1 app/ /app/"), ins.get(0));
        assertEquals(new Instruction.OnBuild(3, "RUN make $TARGET"), ins.get(1));
        Instruction t = ContainerfileParser.trigger("Containerfile", 7, "RUN make $TARGET");
        assertEquals(7, t.line());
        assertInstanceOf(Instruction.Run.class, t);
        BuildException e = assertThrows(BuildException.class, () -> ContainerfileParser.trigger("Containerfile", 4, "COPY x"));
        assertTrue(e.getMessage().startsWith("Containerfile:4: ONBUILD trigger \"COPY x\" of the base image: COPY needs"),
                e.getMessage());
    }

    @Test
    void hereDocuments() {
        List<Instruction> ins = parse("""
                FROM a
                RUN <<EOF
                # a comment line of the script, not of the Containerfile
                echo one
                EOF
                RUN <<-EOF
                \t\techo tabs
                \tEOF
                RUN <<EOF
                #!/usr/bin/env python3
                print("hi")
                EOF
                RUN cat <<A > /a && cat <<'B' > /b
                $HOME
                A
                $HOME
                B
                COPY <<conf <<"raw" /etc/app/
                name=$NAME
                conf
                name=$NAME
                raw
                USER nobody
                """).stages().getFirst().instructions();
        assertEquals(new Instruction.Command(List.of("# a comment line of the script, not of the Containerfile\necho one\n"), true),
                ((Instruction.Run) ins.get(0)).command());
        assertEquals(List.of("echo tabs\n"), ((Instruction.Run) ins.get(1)).command().args(), "<<- strips leading tabs");
        String shebang = ((Instruction.Run) ins.get(2)).command().args().getFirst();
        assertTrue(shebang.startsWith("f=$(mktemp) && cat > \"$f\" <<'EOF'\n#!/usr/bin/env python3\nprint(\"hi\")\nEOF\n"), shebang);
        assertEquals(List.of("cat <<A > /a && cat <<'B' > /b\n$HOME\nA\n$HOME\nB\n"), ((Instruction.Run) ins.get(3)).command().args(),
                "the shell gets the here-documents as written");
        Instruction.Copy c = (Instruction.Copy) ins.get(4);
        assertEquals(List.of("<<conf", "<<raw"), c.sources());
        assertEquals(List.of(new Instruction.Heredoc("conf", "name=$NAME\n", "name=$NAME\nconf\n", true),
                new Instruction.Heredoc("raw", "name=$NAME\n", "name=$NAME\nraw\n", false)), c.heredocs());
        assertEquals(new Instruction.User(23, "nobody"), ins.get(5), "lines are counted through the bodies");
    }

    @Test
    void variablesExpandAsDockerDoes() {
        Map<String, String> env = Map.of("A", "1", "EMPTY", "");
        assertEquals("1-1-x", Variables.expand("$A-${A}-${NOPE:-x}", env, '\\'));
        assertEquals("d|alt|", Variables.expand("${EMPTY:-d}|${A:+alt}|${EMPTY:+alt}", env, '\\'));
        assertEquals("$A costs $5", Variables.expand("\\$A costs $5", env, '\\'));
        assertEquals("", Variables.expand("$UNSET", env, '\\'));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Variables.expand("${A:?x}", env, '\\'));
        assertTrue(e.getMessage().contains("unsupported modifier"), e.getMessage());
    }
}
