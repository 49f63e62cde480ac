package dev.pgbridge.cdc.pgoutput;

import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Begin;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Commit;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Delete;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Insert;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Message;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.OldTupleKind;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Origin;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Relation;
import dev.pgbridge.catalog.ReplicaIdentity;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.StreamAbort;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.StreamCommit;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.StreamStart;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.StreamStop;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Truncate;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Type;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Update;
import dev.pgbridge.pgtype.Lsn;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static dev.pgbridge.cdc.pgoutput.PgOutputBytes.TOAST;
import static dev.pgbridge.cdc.pgoutput.PgOutputBytes.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PgOutputDecoderTest {
    private static final String UNICODE = "é日本🔑";
    /** 2024-05-06T07:08:09.123456Z in microseconds since 2000-01-01. */
    private static final long TS = (Instant.parse("2024-05-06T07:08:09.123456Z").getEpochSecond()
            - Instant.parse("2000-01-01T00:00:00Z").getEpochSecond()) * 1_000_000L + 123_456L;
    private static final Instant INSTANT = Instant.parse("2024-05-06T07:08:09.123456Z");

    private static PgOutputMessage v1(PgOutputBytes bytes) {
        return PgOutputDecoder.decode(bytes.buffer(), false);
    }

    private static PgOutputMessage streamed(PgOutputBytes bytes) {
        return PgOutputDecoder.decode(bytes.buffer(), true);
    }

    @Test
    void begin() {
        assertThat(v1(message('B').i64(0x16_03002D50L).i64(TS).i32(0xFFFFFFF0L)))
                .isEqualTo(new Begin(Lsn.valueOf("16/3002D50"), INSTANT, 4294967280L));
    }

    @Test
    void commit() {
        assertThat(v1(message('C').u8(0).i64(0x100L).i64(0x1A0L).i64(TS)))
                .isEqualTo(new Commit(0, Lsn.valueOf("0/100"), Lsn.valueOf("0/1A0"), INSTANT));
    }

    @Test
    void origin() {
        assertThat(v1(message('O').i64(0xABCDL).string("node_" + UNICODE)))
                .isEqualTo(new Origin(Lsn.valueOf("0/ABCD"), "node_" + UNICODE));
    }

    @Test
    void relationWithMultiByteNames() {
        PgOutputBytes bytes = message('R').i32(16385).string("sch" + UNICODE).string("tbl" + UNICODE).u8('f').i16(2)
                .u8(1).string("id").i32(23).i32(-1)
                .u8(0).string("col" + UNICODE).i32(1043).i32(14);
        Relation r = (Relation) v1(bytes);
        assertThat(r.xid()).isEqualTo(PgOutputMessage.NO_XID);
        assertThat(r.relationId()).isEqualTo(16385);
        assertThat(r.namespace()).isEqualTo("sch" + UNICODE);
        assertThat(r.name()).isEqualTo("tbl" + UNICODE);
        assertThat(r.replicaIdentity()).isEqualTo(ReplicaIdentity.FULL);
        assertThat(r.columns()).containsExactly(
                new Relation.Column(1, "id", 23, -1),
                new Relation.Column(0, "col" + UNICODE, 1043, 14));
        assertThat(r.columns().get(0).key()).isTrue();
        assertThat(r.columns().get(1).key()).isFalse();
    }

    @Test
    void relationEveryReplicaIdentity() {
        for (ReplicaIdentity identity : ReplicaIdentity.values()) {
            Relation r = (Relation) v1(message('R').i32(1).string("s").string("t").u8(identity.code()).i16(0));
            assertThat(r.replicaIdentity()).isEqualTo(identity);
        }
    }

    @Test
    void type() {
        assertThat(v1(message('Y').i32(16400).string("public").string("mood" + UNICODE)))
                .isEqualTo(new Type(PgOutputMessage.NO_XID, 16400, "public", "mood" + UNICODE));
    }

    @Test
    void insertWithEveryColumnKind() {
        byte[] binary = {0, 1, (byte) 0xff};
        Insert i = (Insert) v1(message('I').i32(16385).u8('N').tuple("42", null, TOAST, "val" + UNICODE, binary, ""));
        assertThat(i.relationId()).isEqualTo(16385);
        assertThat(i.newTuple().values()).containsExactly(
                new TupleValue.Text("42"), TupleValue.NULL, TupleValue.UNCHANGED_TOAST,
                new TupleValue.Text("val" + UNICODE), new TupleValue.Binary(binary), new TupleValue.Text(""));
    }

    @Test
    void updateWithoutOldTuple() {
        Update u = (Update) v1(message('U').i32(7).u8('N').tuple("1", TOAST));
        assertThat(u.oldKind()).isNull();
        assertThat(u.old()).isEmpty();
        assertThat(u.newTuple()).isEqualTo(TupleData.of(new TupleValue.Text("1"), TupleValue.UNCHANGED_TOAST));
    }

    @Test
    void updateWithKeyTuple() {
        Update u = (Update) v1(message('U').i32(7).u8('K').tuple("1", null).u8('N').tuple("2", "x"));
        assertThat(u.oldKind()).isEqualTo(OldTupleKind.KEY);
        assertThat(u.oldTuple()).isEqualTo(TupleData.of(new TupleValue.Text("1"), TupleValue.NULL));
        assertThat(u.newTuple()).isEqualTo(TupleData.of(new TupleValue.Text("2"), new TupleValue.Text("x")));
    }

    @Test
    void updateWithOldTuple() {
        Update u = (Update) v1(message('U').i32(7).u8('O').tuple("1", UNICODE).u8('N').tuple("1", TOAST));
        assertThat(u.oldKind()).isEqualTo(OldTupleKind.OLD);
        assertThat(u.oldTuple().get(1)).isEqualTo(new TupleValue.Text(UNICODE));
        assertThat(u.newTuple().get(1)).isEqualTo(TupleValue.UNCHANGED_TOAST);
    }

    @Test
    void deleteWithKeyAndWithOldTuple() {
        Delete k = (Delete) v1(message('D').i32(9).u8('K').tuple("5", null));
        assertThat(k).isEqualTo(new Delete(0, 9, OldTupleKind.KEY, TupleData.of(new TupleValue.Text("5"), TupleValue.NULL)));
        Delete o = (Delete) v1(message('D').i32(9).u8('O').tuple("5", "e"));
        assertThat(o.oldKind()).isEqualTo(OldTupleKind.OLD);
    }

    @Test
    void truncateOptionsAndRelations() {
        Truncate t = (Truncate) v1(message('T').i32(3).u8(3).i32(10).i32(11).i32(12));
        assertThat(t.relationIds()).containsExactly(10, 11, 12);
        assertThat(t.cascade()).isTrue();
        assertThat(t.restartIdentity()).isTrue();
        Truncate plain = (Truncate) v1(message('T').i32(1).u8(0).i32(10));
        assertThat(plain.cascade()).isFalse();
        assertThat(plain.restartIdentity()).isFalse();
        Truncate restartOnly = (Truncate) v1(message('T').i32(1).u8(2).i32(10));
        assertThat(restartOnly.cascade()).isFalse();
        assertThat(restartOnly.restartIdentity()).isTrue();
    }

    @Test
    void logicalDecodingMessage() {
        byte[] content = ("payload " + UNICODE).getBytes(StandardCharsets.UTF_8);
        Message m = (Message) v1(message('M').u8(1).i64(0x2_00000010L).string("pfx" + UNICODE).i32(content.length)
                .bytes(content));
        assertThat(m).isEqualTo(new Message(0, true, Lsn.valueOf("2/10"), "pfx" + UNICODE, content));
        Message nonTransactional = (Message) v1(message('M').u8(0).i64(1).string("p").i32(0));
        assertThat(nonTransactional.transactional()).isFalse();
        assertThat(nonTransactional.content()).isEmpty();
    }

    @Test
    void streamControlMessages() {
        assertThat(v1(message('S').i32(777).u8(1))).isEqualTo(new StreamStart(777, true));
        assertThat(v1(message('S').i32(777).u8(0))).isEqualTo(new StreamStart(777, false));
        assertThat(v1(message('E'))).isEqualTo(new StreamStop());
        assertThat(v1(message('c').i32(777).u8(0).i64(0x500L).i64(0x580L).i64(TS)))
                .isEqualTo(new StreamCommit(777, 0, Lsn.valueOf("0/500"), Lsn.valueOf("0/580"), INSTANT));
        StreamAbort sub = (StreamAbort) v1(message('A').i32(777).i32(778));
        assertThat(sub).isEqualTo(new StreamAbort(777, 778));
        assertThat(sub.wholeTransaction()).isFalse();
        assertThat(((StreamAbort) v1(message('A').i32(777).i32(777))).wholeTransaction()).isTrue();
    }

    @Test
    void streamedVariantsCarryTheXid() {
        assertThat(((Relation) streamed(message('R').i32(901).i32(5).string("s").string("t" + UNICODE).u8('d').i16(1)
                .u8(1).string("id").i32(20).i32(-1))).xid()).isEqualTo(901);
        assertThat(streamed(message('Y').i32(902).i32(16400).string("s").string("e")))
                .isEqualTo(new Type(902, 16400, "s", "e"));
        assertThat(((Insert) streamed(message('I').i32(903).i32(5).u8('N').tuple(UNICODE))).xid()).isEqualTo(903);
        Update u = (Update) streamed(message('U').i32(904).i32(5).u8('K').tuple("1").u8('N').tuple("2"));
        assertThat(u.xid()).isEqualTo(904);
        assertThat(u.oldKind()).isEqualTo(OldTupleKind.KEY);
        assertThat(((Delete) streamed(message('D').i32(905).i32(5).u8('O').tuple("1"))).xid()).isEqualTo(905);
        Truncate t = (Truncate) streamed(message('T').i32(906).i32(1).u8(1).i32(5));
        assertThat(t.xid()).isEqualTo(906);
        assertThat(t.relationIds()).containsExactly(5);
        Message m = (Message) streamed(message('M').i32(907).u8(1).i64(3).string("p").i32(1).u8('x'));
        assertThat(m.xid()).isEqualTo(907);
        assertThat(m.content()).containsExactly('x');
    }

    @Test
    void decoderFollowsStreamStateForProtocol2() {
        PgOutputDecoder decoder = new PgOutputDecoder(2);
        assertThat(decoder.decode(message('S').i32(42).u8(1).buffer())).isEqualTo(new StreamStart(42, true));
        assertThat(decoder.inStream()).isTrue();
        Insert streamedInsert = (Insert) decoder.decode(message('I').i32(42).i32(5).u8('N').tuple("1").buffer());
        assertThat(streamedInsert.xid()).isEqualTo(42);
        assertThat(decoder.decode(message('E').buffer())).isEqualTo(new StreamStop());
        assertThat(decoder.inStream()).isFalse();
        Insert plainInsert = (Insert) decoder.decode(message('I').i32(5).u8('N').tuple("1").buffer());
        assertThat(plainInsert.xid()).isEqualTo(PgOutputMessage.NO_XID);
    }

    @Test
    void protocol1RefusesStreamStart() {
        PgOutputDecoder decoder = new PgOutputDecoder(1);
        assertThatThrownBy(() -> decoder.decode(message('S').i32(42).u8(1).buffer()))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("protocol version 1");
    }

    @Test
    void bufferPositionAndOffsetAreRespected() {
        ByteBuffer padded = ByteBuffer.allocate(100);
        padded.put(new byte[7]);
        padded.put(message('E').buffer());
        padded.flip().position(7);
        assertThat(PgOutputDecoder.decode(padded, false)).isEqualTo(new StreamStop());
    }

    @Test
    void malformedInputIsRefusedWithWhereItStopped() {
        assertThatThrownBy(() -> v1(message('B').i64(1)))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("'B' ends early");
        assertThatThrownBy(() -> v1(message('Z')))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("unknown pgoutput message type 'Z'");
        assertThatThrownBy(() -> v1(message('I').i32(5).u8('X').tuple("1")))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("expected 'N'");
        assertThatThrownBy(() -> v1(message('I').i32(5).u8('N').i16(1).u8('z')))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("unknown kind 'z'");
        assertThatThrownBy(() -> v1(message('I').i32(5).u8('N').i16(1).u8('t').i32(99).u8('a')))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("length 99");
        assertThatThrownBy(() -> v1(message('O').i64(1).bytes("no-nul".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("terminating NUL");
        assertThatThrownBy(() -> v1(message('E').u8(1)))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("left over");
        assertThatThrownBy(() -> v1(message('R').i32(1).string("s").string("t").u8('x').i16(0)))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("replica identity 'x'");
        assertThatThrownBy(() -> PgOutputDecoder.decode(ByteBuffer.allocate(0), false))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("empty");
    }

    @Test
    void exhaustiveSwitchNamesEveryMessage() {
        List<PgOutputMessage> all = List.of(
                v1(message('B').i64(1).i64(0).i32(1)), v1(message('C').u8(0).i64(1).i64(2).i64(0)),
                v1(message('O').i64(1).string("o")), v1(message('R').i32(1).string("s").string("t").u8('d').i16(0)),
                v1(message('Y').i32(1).string("s").string("t")), v1(message('I').i32(1).u8('N').tuple()),
                v1(message('U').i32(1).u8('N').tuple()), v1(message('D').i32(1).u8('K').tuple()),
                v1(message('T').i32(0).u8(0)), v1(message('M').u8(0).i64(1).string("p").i32(0)),
                v1(message('S').i32(1).u8(1)), v1(message('E')), v1(message('c').i32(1).u8(0).i64(1).i64(2).i64(0)),
                v1(message('A').i32(1).i32(1)));
        List<String> names = all.stream().map(PgOutputDecoderTest::name).toList();
        assertThat(names).containsExactly("Begin", "Commit", "Origin", "Relation", "Type", "Insert", "Update", "Delete",
                "Truncate", "Message", "StreamStart", "StreamStop", "StreamCommit", "StreamAbort");
    }

    private static String name(PgOutputMessage m) {
        return switch (m) {
            case Begin b -> "Begin";
            case Commit c -> "Commit";
            case Origin o -> "Origin";
            case Relation r -> "Relation";
            case Type t -> "Type";
            case Insert i -> "Insert";
            case Update u -> "Update";
            case Delete d -> "Delete";
            case Truncate t -> "Truncate";
            case Message msg -> "Message";
            case StreamStart s -> "StreamStart";
            case StreamStop s -> "StreamStop";
            case StreamCommit s -> "StreamCommit";
            case StreamAbort a -> "StreamAbort";
        };
    }
}
