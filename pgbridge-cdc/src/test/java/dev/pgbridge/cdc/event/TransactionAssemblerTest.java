package dev.pgbridge.cdc.event;

import dev.pgbridge.cdc.pgoutput.PgOutputBytes;
import dev.pgbridge.cdc.pgoutput.PgOutputDecoder;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage;
import dev.pgbridge.pgtype.Lsn;
import dev.pgbridge.pgtype.TypeResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

import static dev.pgbridge.cdc.pgoutput.PgOutputBytes.TOAST;
import static dev.pgbridge.cdc.pgoutput.PgOutputBytes.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TransactionAssemblerTest {
    private static final CaptureSource SOURCE = new CaptureSource("cap", "db");
    @TempDir
    Path spill;

    private final PgOutputDecoder decoder = new PgOutputDecoder(2);
    private TransactionAssembler assembler;
    private long lsn = 0x1000;

    /** Says relation 100 has the primary key (id), as the catalog of a FULL table with a key would. */
    private static final SourceCatalog PK_ID = new SourceCatalog() {
        @Override
        public java.util.Optional<List<String>> primaryKey(int relationOid) {
            return relationOid == 100 ? java.util.Optional.of(List.of("id")) : java.util.Optional.empty();
        }

        @Override
        public java.util.Optional<TypeRow> type(int typeOid) {
            return java.util.Optional.empty();
        }
    };

    private TransactionAssembler assembler(int memoryLimit) {
        return assembler(memoryLimit, PK_ID);
    }

    private TransactionAssembler assembler(int memoryLimit, SourceCatalog catalog) {
        TypeResolver types = new TypeResolver(catalog);
        assembler = new TransactionAssembler(SOURCE, new RelationCache(types, catalog), types, spill, memoryLimit);
        return assembler;
    }

    private CommittedTransaction feed(PgOutputBytes bytes) throws IOException {
        PgOutputMessage m = decoder.decode(bytes.buffer());
        return assembler.accept(m, Lsn.of(lsn++));
    }

    private PgOutputBytes relation(char identity) {
        return message('R').i32(100).string("public").string("t日本").u8(identity).i16(3)
                .u8(1).string("id").i32(23).i32(-1)
                .u8(0).string("note").i32(25).i32(-1)
                .u8(0).string("big").i32(25).i32(-1);
    }

    private static PgOutputBytes begin(long xid, long finalLsn) {
        return message('B').i64(finalLsn).i64(0).i32(xid);
    }

    private static PgOutputBytes commit(long commitLsn, long endLsn) {
        return message('C').u8(0).i64(commitLsn).i64(endLsn).i64(0);
    }

    private static PgOutputBytes insert(int id) {
        return message('I').i32(100).u8('N').tuple(Integer.toString(id), "n" + id, "é日本🔑");
    }

    private static List<ChangeEvent> events(CommittedTransaction tx) {
        List<ChangeEvent> list = new ArrayList<>();
        for (Iterator<ChangeEvent> it = tx.events(); it.hasNext(); ) {
            list.add(it.next());
        }
        return list;
    }

    private long spillFiles() throws IOException {
        try (Stream<Path> s = Files.list(spill)) {
            return s.count();
        }
    }

    @Test
    void eventsAreHandedOutOnlyAtCommit() throws IOException {
        assembler(10);
        assertThat(feed(relation('d'))).isNull();
        assertThat(feed(begin(7, 0x5000))).isNull();
        assertThat(assembler.idle()).isFalse();
        assertThat(feed(insert(1))).isNull();
        CommittedTransaction tx = feed(commit(0x5000, 0x5050));
        assertThat(assembler.idle()).isTrue();
        assertThat(tx.xid()).isEqualTo(7);
        assertThat(tx.endLsn()).isEqualTo(Lsn.valueOf("0/5050"));
        List<ChangeEvent> events = events(tx);
        assertThat(events).hasSize(1);
        ChangeEvent e = events.getFirst();
        assertThat(e.op()).isEqualTo(Op.CREATE);
        assertThat(e.table()).isEqualTo(new TableId("public", "t日本"));
        assertThat(EventJson.write(e.key())).isEqualTo("{\"id\":1}");
        assertThat(EventJson.write(e.after())).isEqualTo("{\"id\":1,\"note\":\"n1\",\"big\":\"é日本🔑\"}");
        // every value came as text: the row travels as that text, and the encoder writes the same JSON from it
        assertThat(e.afterText()).isNotNull();
        assertThat(EventJson.write(e.value().get("after"))).isEqualTo(EventJson.write(e.after()));
        assertThat(e.commitLsn()).isEqualTo(Lsn.valueOf("0/5050"));
        assertThat(e.txId()).isEqualTo(7);
        assertThat(e.value().get("source").get("commit_lsn").asLong()).isEqualTo(0x5050);
        assertThat(e.value().get("op").asText()).isEqualTo("c");
    }

    @Test
    void largeTransactionSpillsBeyondTheMemoryLimitAndKeepsOrder() throws IOException {
        assembler(100);
        feed(relation('d'));
        feed(begin(8, 0x9000));
        for (int i = 0; i < 5000; i++) {
            feed(insert(i));
        }
        assertThat(spillFiles()).isEqualTo(1);
        CommittedTransaction tx = feed(commit(0x9000, 0x9100));
        assertThat(tx.eventCount()).isEqualTo(5000);
        assertThat(tx.spilledCount()).isEqualTo(4900);
        List<ChangeEvent> events = events(tx);
        assertThat(events).hasSize(5000);
        for (int i = 0; i < 5000; i++) {
            assertThat(events.get(i).key().get("id").asInt()).isEqualTo(i);
        }
        assertThat(events.get(4999).after().get("big").asText()).isEqualTo("é日本🔑");
        tx.close();
        assertThat(spillFiles()).isZero();
    }

    @Test
    void streamedTransactionIsSpooledToDiskAndHandedOutAtStreamCommit() throws IOException {
        assembler(1000);
        feed(relation('d'));
        feed(message('S').i32(50).u8(1));
        feed(message('I').i32(50).i32(100).u8('N').tuple("1", "a", "x"));
        feed(message('E'));
        assertThat(spillFiles()).as("streamed chunks go to disk at once").isEqualTo(1);
        // an ordinary transaction commits between two chunks
        feed(begin(60, 0x7000));
        feed(insert(2));
        assertThat(events(feed(commit(0x7000, 0x7010)))).hasSize(1);
        feed(message('S').i32(50).u8(0));
        feed(message('I').i32(51).i32(100).u8('N').tuple("3", "sub", "x"));
        feed(message('I').i32(50).i32(100).u8('N').tuple("4", "b", "x"));
        feed(message('E'));
        assertThat(assembler.idle()).isFalse();
        CommittedTransaction tx = feed(message('c').i32(50).u8(0).i64(0x8000).i64(0x8040).i64(0));
        assertThat(assembler.idle()).isTrue();
        List<ChangeEvent> events = events(tx);
        assertThat(events).extracting(e -> e.key().get("id").asInt()).containsExactly(1, 3, 4);
        assertThat(events).allSatisfy(e -> assertThat(e.txId()).isEqualTo(50));
        tx.close();
        assertThat(spillFiles()).isZero();
    }

    @Test
    void streamAbortDropsTheTransactionOrOnlyTheSubtransaction() throws IOException {
        assembler(1000);
        feed(relation('d'));
        feed(message('S').i32(70).u8(1));
        feed(message('I').i32(70).i32(100).u8('N').tuple("1", "a", "x"));
        feed(message('I').i32(71).i32(100).u8('N').tuple("2", "rolled back", "x"));
        feed(message('I').i32(70).i32(100).u8('N').tuple("3", "c", "x"));
        feed(message('E'));
        assertThat(feed(message('A').i32(70).i32(71))).isNull();
        CommittedTransaction tx = feed(message('c').i32(70).u8(0).i64(0x8000).i64(0x8040).i64(0));
        assertThat(events(tx)).extracting(e -> e.key().get("id").asInt()).containsExactly(1, 3);
        tx.close();

        feed(message('S').i32(80).u8(1));
        feed(message('I').i32(80).i32(100).u8('N').tuple("9", "a", "x"));
        feed(message('E'));
        assertThat(feed(message('A').i32(80).i32(80))).isNull();
        assertThat(assembler.idle()).isTrue();
        assertThat(spillFiles()).isZero();
    }

    @Test
    void transactionsAtOrBeforeTheCheckpointAreSkipped() throws IOException {
        assembler(10);
        assembler.skipThrough(Lsn.valueOf("0/5050"));
        feed(relation('d'));
        feed(begin(7, 0x5000));
        feed(insert(1));
        CommittedTransaction replayed = feed(commit(0x5000, 0x5050));
        assertThat(replayed.eventCount()).isZero();
        assertThat(events(replayed)).isEmpty();
        feed(begin(8, 0x5060));
        feed(insert(2));
        assertThat(events(feed(commit(0x5060, 0x5070)))).hasSize(1);
    }

    @Test
    void keyChangeBecomesDeleteThenCreate() throws IOException {
        assembler(10);
        feed(relation('d'));
        feed(begin(9, 0x6000));
        feed(message('U').i32(100).u8('K').tuple("1", null, null).u8('N').tuple("2", "n", "v"));
        List<ChangeEvent> events = events(feed(commit(0x6000, 0x6010)));
        assertThat(events).extracting(ChangeEvent::op).containsExactly(Op.DELETE, Op.CREATE);
        assertThat(EventJson.write(events.get(0).key())).isEqualTo("{\"id\":1}");
        assertThat(EventJson.write(events.get(0).before())).isEqualTo("{\"id\":1}");
        assertThat(events.get(0).after()).isNull();
        assertThat(EventJson.write(events.get(1).key())).isEqualTo("{\"id\":2}");
        assertThat(events.get(1).before()).isNull();
    }

    @Test
    void unchangedToastComesFromTheOldRowUnderFullElseIsLeftForTheResolver() throws IOException {
        assembler(10);
        feed(relation('f'));
        feed(begin(10, 0x6000));
        feed(message('U').i32(100).u8('O').tuple("1", "old", "big value").u8('N').tuple("1", "new", TOAST));
        List<ChangeEvent> full = events(feed(commit(0x6000, 0x6010)));
        assertThat(full.getFirst().unchangedToast()).isEmpty();
        assertThat(full.getFirst().after().get("big").asText()).isEqualTo("big value");
        assertThat(full.getFirst().afterText()).as("an image completed from the old row is a tree").isNull();
        assertThat(full.getFirst().before().get("note").asText()).isEqualTo("old");

        feed(relation('d'));
        feed(begin(11, 0x6100));
        feed(message('U').i32(100).u8('N').tuple("1", "newer", TOAST));
        ChangeEvent pending = events(feed(commit(0x6100, 0x6110))).getFirst();
        assertThat(pending.unchangedToast()).containsExactly("big");
        assertThat(pending.before()).isNull();
        assertThatThrownBy(pending::value).hasMessageContaining("unchanged TOAST columns [big]");
    }

    @Test
    void fullTableWithoutPrimaryKeyIsKeyedByTheWholeRow() throws IOException {
        assembler(10, SourceCatalog.NONE);
        feed(relation('f'));
        feed(begin(15, 0x6000));
        feed(message('U').i32(100).u8('O').tuple("1", "old", "v").u8('N').tuple("1", "new", "v"));
        List<ChangeEvent> events = events(feed(commit(0x6000, 0x6010)));
        // the row is its own identity: a changed row is the old row gone and a new one there
        assertThat(events).extracting(ChangeEvent::op).containsExactly(Op.DELETE, Op.CREATE);
        assertThat(EventJson.write(events.get(0).key())).isEqualTo("{\"id\":1,\"note\":\"old\",\"big\":\"v\"}");
        assertThat(EventJson.write(events.get(1).key())).isEqualTo("{\"id\":1,\"note\":\"new\",\"big\":\"v\"}");
    }

    @Test
    void schemaChangeMidStreamIsPickedUp() throws IOException {
        assembler(10);
        feed(relation('d'));
        feed(begin(12, 0x6000));
        feed(insert(1));
        feed(commit(0x6000, 0x6010));
        feed(message('R').i32(100).string("public").string("t日本").u8('d').i16(2)
                .u8(1).string("id").i32(23).i32(-1).u8(0).string("added").i32(1700).i32(-1));
        feed(begin(13, 0x6100));
        feed(message('I').i32(100).u8('N').tuple("2", "1.50"));
        ChangeEvent e = events(feed(commit(0x6100, 0x6110))).getFirst();
        assertThat(EventJson.write(e.after())).isEqualTo("{\"id\":2,\"added\":1.50}");
    }

    @Test
    void truncateIsAnEventPerTable() throws IOException {
        assembler(10);
        feed(relation('d'));
        feed(message('R').i32(101).string("s").string("other").u8('d').i16(1).u8(1).string("k").i32(25).i32(-1));
        feed(begin(14, 0x6000));
        feed(message('T').i32(2).u8(1).i32(100).i32(101));
        List<ChangeEvent> events = events(feed(commit(0x6000, 0x6010)));
        assertThat(events).extracting(ChangeEvent::op).containsExactly(Op.TRUNCATE, Op.TRUNCATE);
        assertThat(events).extracting(e -> e.table().table()).containsExactly("t日本", "other");
        assertThat(events.getFirst().key()).isNull();
        assertThat(events.getFirst().value().get("op").asText()).isEqualTo("t");
    }
}
