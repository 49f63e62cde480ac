package dev.pgbridge.metadata.openmetadata;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.FileErrors;
import dev.pgbridge.error.PgBridgeException;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/**
 * The {@code file} sink: one JSON object per line, {@code {"method": "PUT", "path": "/v1/tables", "body": {…}}},
 * exactly the calls the {@code metadata-rest} sink makes, in its order. The file is replaced. With no server to ask,
 * entities named in a path or body get ids made from their names ({@link EntityRef.Ids#NAME_BASED}).
 */
public final class RequestFile implements RequestSink {
    private static final ObjectMapper JSON = Requests.JSON;

    private final Path path;
    private final BufferedWriter writer;

    public RequestFile(Path path) {
        this.path = requireNonNull(path, "path is null");
        try {
            this.writer = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
        }
        catch (IOException e) {
            throw new PgBridgeException(ErrorCode.IO, "cannot write the file sink's " + path + ": " + FileErrors.reason(e),
                    "check that the directory exists and is writable (sink.config.filename)", e);
        }
    }

    /** The JSON line of one request (no line break), its entities named by {@link EntityRef.Ids#NAME_BASED} ids. */
    public static String line(Requests.Request request) {
        try {
            return JSON.writeValueAsString(request.resolve(EntityRef.Ids.NAME_BASED));
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a request as JSON", e);
        }
    }

    @Override
    public void send(Requests.Request request) {
        try {
            writer.write(line(request));
            writer.write('\n');
        }
        catch (IOException e) {
            throw new PgBridgeException(ErrorCode.IO, "cannot write to " + path + ": " + FileErrors.reason(e),
                    "check the free space and permissions of the file sink's directory", e);
        }
    }


    @Override
    public void close() {
        try {
            writer.close();
        }
        catch (IOException e) {
            throw new PgBridgeException(ErrorCode.IO, "cannot finish " + path + ": " + FileErrors.reason(e),
                    "check the free space of the file sink's directory", e);
        }
    }
}
