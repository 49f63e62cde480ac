package dev.pgbridge.server.api;

import dev.pgbridge.server.data.QueryService;
import io.javalin.http.Context;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;

import java.io.OutputStream;

import static java.util.Objects.requireNonNull;

/**
 * A CSV file as the answer to a request (the API's {@code ?format=csv} and the console's Download CSV): the headers
 * are set once the query has started; a failure after the first rows went out aborts the HTTP exchange, so the client
 * sees a broken transfer instead of a shorter file under status 200.
 */
public final class CsvDownload implements QueryService.CsvOutput {
    private final Context ctx;
    private final String fileName;

    /** @param fileName made of the connection id and the query id only ({@code [A-Za-z0-9_-]}), never user text */
    public CsvDownload(Context ctx, String fileName) {
        this.ctx = requireNonNull(ctx, "ctx is null");
        this.fileName = requireNonNull(fileName, "fileName is null");
    }

    @Override
    public OutputStream open(String queryId) {
        ctx.contentType("text/csv; charset=utf-8");
        ctx.header("Content-Disposition", "attachment; filename=\"" + fileName + "\"");
        return ctx.outputStream();
    }

    @Override
    public void abort(Throwable failure) {
        // close the connection under the exchange: the chunked body never gets its last chunk
        ServletContextRequest.getServletContextRequest(ctx.req()).getConnectionMetaData().getConnection().getEndPoint()
                .close(failure);
    }
}
