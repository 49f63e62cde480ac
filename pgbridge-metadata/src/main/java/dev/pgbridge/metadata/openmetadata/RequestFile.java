package dev.pgbridge.metadata.openmetadata;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.FileErrors;
import dev.pgbridge.error.PgBridgeException;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
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
    private final OutputStream out;

    public RequestFile(Path path) {
        this.path = requireNonNull(path, "path is null");
        try {
            this.out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16);
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

    /** Writes the line as UTF-8 bytes straight away (a String per line and its encoding took a third of the time). */
    @Override
    public void send(Requests.Request request) {
        if (request.body() instanceof Requests.LocalOnly) {
            return; // pgbridge's own extras: not an OpenMetadata request
        }
        try {
            out.write(JSON.writeValueAsBytes(request.resolve(EntityRef.Ids.NAME_BASED)));
            out.write('\n');
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a request as JSON", e);
        }
        catch (IOException e) {
            throw new PgBridgeException(ErrorCode.IO, "cannot write to " + path + ": " + FileErrors.reason(e),
                    "check the free space and permissions of the file sink's directory", e);
        }
    }


    @Override
    public void close() {
        try {
            out.close();
        }
        catch (IOException e) {
            throw new PgBridgeException(ErrorCode.IO, "cannot finish " + path + ": " + FileErrors.reason(e),
                    "check the free space of the file sink's directory", e);
        }
    }
}
