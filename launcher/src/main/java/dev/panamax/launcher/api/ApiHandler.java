package dev.panamax.launcher.api;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP side of the API: reads each request's body (at most {@link ApiServer.Limits#maxBody()}
 * bytes, within {@link ApiServer.Limits#bodyTimeout()}), has {@link ApiRoutes} carry it out on a
 * pool thread, and writes the answer. A body too large or too slow is answered 400 and the
 * connection closed, since the rest of it is not read; nothing a client sends ends the server or
 * keeps a thread waiting for it.
 */
final class ApiHandler extends Handler.Abstract.NonBlocking {
    static final String JSON = "application/json";
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

    private final ApiRoutes routes;
    private final ApiServer.Limits limits;

    ApiHandler(ApiRoutes routes, ApiServer.Limits limits) {
        this.routes = routes;
        this.limits = limits;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String method = request.getMethod();
        String path = request.getHttpURI().getPath();
        long declared = request.getLength();
        if (declared > limits.maxBody()) {
            reply(method, path, response, callback, Answer.fault(BodyReader.tooLarge(declared, limits.maxBody())), true);
            return true;
        }
        BodyReader.read(request, limits.maxBody())
                .orTimeout(limits.bodyTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenCompleteAsync((body, failure) -> {
                    if (failure == null) {
                        reply(method, path, response, callback, routes.answer(method, path, body), false);
                        return;
                    }
                    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                    if (cause instanceof BodyReader.TooLarge tooLarge) {
                        reply(method, path, response, callback, Answer.fault(tooLarge.getMessage()), true);
                    } else if (cause instanceof TimeoutException) {
                        reply(method, path, response, callback, Answer.fault("Request payload not received within "
                                + limits.bodyTimeout().toMillis() + " ms."), true);
                    } else {
                        LOG.debug("{} {}: the body could not be read", method, path, cause);
                        callback.failed(cause); // the client went away: nobody to answer
                    }
                }, request.getComponents().getExecutor());
        return true;
    }

    private static void reply(String method, String path, Response response, Callback callback, Answer answer,
                              boolean close) {
        if (answer.status() >= Answer.BAD_REQUEST) {
            LOG.info("{} {}: {} {}", method, path, answer.status(), answer.json());
        } else {
            LOG.debug("{} {}: {}", method, path, answer.status());
        }
        response.setStatus(answer.status());
        if (close) {
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        }
        if (answer.json() == null) {
            response.write(true, null, callback);
            return;
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
        response.write(true, ByteBuffer.wrap(answer.json().getBytes(StandardCharsets.UTF_8)), callback);
    }
}
