package dev.panamax.junit;

import dev.panamax.junit.AgentProtocol.Exec;
import dev.panamax.junit.AgentProtocol.Exit;
import dev.panamax.junit.AgentProtocol.Failure;
import dev.panamax.junit.AgentProtocol.FileData;
import dev.panamax.junit.AgentProtocol.Frame;
import dev.panamax.junit.AgentProtocol.GetFile;
import dev.panamax.junit.AgentProtocol.Ok;
import dev.panamax.junit.AgentProtocol.Output;
import dev.panamax.junit.AgentProtocol.ProtocolException;
import dev.panamax.junit.AgentProtocol.PutFile;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentProtocolTest {
    private static Frame roundTrip(Frame f) throws IOException {
        InputStream in = new ByteArrayInputStream(AgentProtocol.encode(f));
        Frame back = AgentProtocol.read(in).orElseThrow();
        assertThat(in.read()).as("bytes after the frame").isEqualTo(-1);
        return back;
    }

    private static byte[] frame(int type, byte[] payload) {
        return ByteBuffer.allocate(5 + payload.length).put((byte) type).putInt(payload.length).put(payload).array();
    }

    @Test
    void anExecRequestIsLaidOutAsDocumented() {
        byte[] bytes = AgentProtocol.encode(new Exec(List.of("ls", "-l"), List.of("A=b"), "/tmp", new byte[] {7}));
        ByteBuffer expected = ByteBuffer.allocate(64);
        expected.put((byte) 1).putInt(0); // length patched below
        expected.putInt(2).putInt(2).put("ls".getBytes()).putInt(2).put("-l".getBytes());
        expected.putInt(1).putInt(3).put("A=b".getBytes());
        expected.putInt(4).put("/tmp".getBytes());
        expected.putInt(1).put((byte) 7);
        expected.putInt(1, expected.position() - 5);
        assertThat(bytes).isEqualTo(Arrays.copyOf(expected.array(), expected.position()));
    }

    @Test
    void exitCarriesASignedStatusAndOkIsEmpty() throws IOException {
        assertThat(AgentProtocol.encode(new Exit(137))).containsExactly(18, 0, 0, 0, 4, 0, 0, 0, (byte) 137);
        assertThat(AgentProtocol.encode(new Ok())).containsExactly(19, 0, 0, 0, 0);
        assertThat(roundTrip(new Exit(-1))).isEqualTo(new Exit(-1));
    }

    @Test
    void aCleanEndOfStreamIsNoFrame() throws IOException {
        assertThat(AgentProtocol.read(new ByteArrayInputStream(new byte[0]))).isEqualTo(Optional.empty());
    }

    @Test
    void anOversizedFrameIsRefusedBeforeItsPayloadIsRead() {
        // claims 2 GiB and sends none of it: refused from the header alone
        byte[] header = {16, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        assertThatThrownBy(() -> AgentProtocol.read(new ByteArrayInputStream(header)))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("more than the 16777216 allowed");
        byte[] negative = {16, (byte) 0xff, 0, 0, 0};
        assertThatThrownBy(() -> AgentProtocol.read(new ByteArrayInputStream(negative)))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("4278190080");
    }

    @Test
    void unknownTypesCountsThatOverrunAndTrailingBytesAreRefused() {
        assertThatThrownBy(() -> AgentProtocol.read(new ByteArrayInputStream(frame(9, new byte[0]))))
                .isInstanceOf(ProtocolException.class).hasMessage("unknown frame type 9");
        // argc of a million in a 4-byte payload
        byte[] argc = ByteBuffer.allocate(4).putInt(1_000_000).array();
        assertThatThrownBy(() -> AgentProtocol.read(new ByteArrayInputStream(frame(1, argc))))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("argv claims 1000000 items in 0 bytes");
        byte[] exitAndMore = {0, 0, 0, 1, 9};
        assertThatThrownBy(() -> AgentProtocol.read(new ByteArrayInputStream(frame(18, exitAndMore))))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("1 bytes after its last field");
        byte[] shortExit = {0, 1};
        assertThatThrownBy(() -> AgentProtocol.read(new ByteArrayInputStream(frame(18, shortExit))))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("ends inside a field");
        byte[] nul = ByteBuffer.allocate(7).putInt(3).put(new byte[] {'a', 0, 'b'}).array();
        assertThatThrownBy(() -> AgentProtocol.read(new ByteArrayInputStream(frame(3, nul))))
                .isInstanceOf(ProtocolException.class).hasMessage("string contains NUL");
        byte[] notUtf8 = ByteBuffer.allocate(5).putInt(1).put((byte) 0xc3).array();
        assertThatThrownBy(() -> AgentProtocol.read(new ByteArrayInputStream(frame(3, notUtf8))))
                .isInstanceOf(ProtocolException.class).hasMessage("string is not UTF-8");
    }

    @Test
    void requestsThatTheAgentWouldRefuseCannotBeBuilt() {
        assertThatThrownBy(() -> new Exec(List.of(), List.of(), "", new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Exec(List.of("x"), List.of("NOEQUALS"), "", new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AgentProtocol.encode(new GetFile("a\0b")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Provide
    Arbitrary<Frame> frames() {
        Arbitrary<String> text = Arbitraries.strings().excludeChars('\0').ofMaxLength(20)
                .filter(s -> s.codePoints().noneMatch(c -> Character.isSurrogate((char) c)));
        Arbitrary<String> nonEmpty = text.filter(s -> !s.isEmpty());
        Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<String> envEntry = Combinators.combine(nonEmpty.filter(s -> !s.contains("=")), text)
                .as((k, v) -> k + "=" + v);
        return Arbitraries.oneOf(
                Combinators.combine(nonEmpty.list().ofMinSize(1).ofMaxSize(5), envEntry.list().ofMaxSize(4), text, bytes)
                        .as(Exec::new),
                Combinators.combine(text, Arbitraries.integers(), bytes).as(PutFile::new),
                text.map(GetFile::new),
                Combinators.combine(Arbitraries.of(AgentProtocol.Stream.class), bytes).as(Output::new),
                Arbitraries.integers().map(Exit::new),
                Arbitraries.just(new Ok()),
                bytes.map(FileData::new),
                text.map(Failure::new));
    }

    @Property(tries = 500)
    void everyFrameRoundTrips(@ForAll("frames") Frame f) throws IOException {
        assertThat(roundTrip(f)).isEqualTo(f);
    }

    @Property(tries = 300)
    void aTruncatedFrameIsRefusedNeverMisread(@ForAll("frames") Frame f, @ForAll @IntRange(min = 1, max = 10_000) int cut) {
        byte[] whole = AgentProtocol.encode(f);
        byte[] truncated = Arrays.copyOf(whole, Math.max(1, whole.length - 1 - cut % whole.length));
        assertThatThrownBy(() -> AgentProtocol.read(new ByteArrayInputStream(truncated)))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("truncated");
    }

    @Property(tries = 1000)
    void hostileBytesGiveAFrameOrAProtocolExceptionAndNothingElse(@ForAll @Size(max = 64) byte[] hostile) {
        InputStream in = new ByteArrayInputStream(hostile);
        try {
            while (AgentProtocol.read(in).isPresent()) {
                // frames until the bytes run out, or the first refusal
            }
        } catch (ProtocolException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        } catch (IOException e) {
            throw new AssertionError("not a ProtocolException: " + e, e);
        }
    }

    @Property(tries = 300)
    void framesThatDecodeReencodeToTheSameBytes(@ForAll("frames") Frame f, @ForAll @IntRange(max = 4) int flips,
                                                @ForAll @Size(5) List<@IntRange(max = 1000) Integer> where) {
        byte[] bytes = AgentProtocol.encode(f);
        for (int i = 0; i < flips; i++) {
            bytes[where.get(i) % bytes.length] ^= 0x5a;
        }
        try {
            Optional<Frame> back = AgentProtocol.read(new ByteArrayInputStream(bytes));
            back.ifPresent(g -> {
                byte[] again = AgentProtocol.encode(g);
                assertThat(again).isEqualTo(Arrays.copyOf(bytes, again.length));
            });
        } catch (IOException e) {
            assertThat(e).isInstanceOf(ProtocolException.class);
        }
    }
}
