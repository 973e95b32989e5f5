package org.modelheritage.store.s3;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 API server for tests: s3proxy on a local directory, on a free loopback port, with AWS
 * signature authentication for the identity the SDK's default chain finds in the environment
 * ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, set by the build for tests). Run it
 * in-process ({@link #start}) or as a process ({@link #main}: prints its endpoint, serves until killed).
 */
public final class S3ProxyServer implements AutoCloseable {
    private final S3Proxy proxy;
    private final URI endpoint;

    private S3ProxyServer(S3Proxy proxy, URI endpoint) {
        this.proxy = proxy;
        this.endpoint = endpoint;
    }

    public static S3ProxyServer start(Path dir, String... buckets) throws Exception {
        Files.createDirectories(dir);
        String identity = env("AWS_ACCESS_KEY_ID");
        String secret = env("AWS_SECRET_ACCESS_KEY");
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(dir.toAbsolutePath().toString()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, identity, secret)
                .build();
        proxy.start();
        URI endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        // the SDK's default chain finds the same identity in the environment
        try (S3Client s3 = S3Client.builder().endpointOverride(endpoint).forcePathStyle(true).region(Region.US_EAST_1)
                .build()) {
            for (String bucket : buckets) {
                s3.createBucket(b -> b.bucket(bucket));
            }
        }
        return new S3ProxyServer(proxy, endpoint);
    }

    private static String env(String name) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException(name + " is not set: the build sets test credentials for s3proxy");
        }
        return v;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** {@code s3://BUCKET/PREFIX?endpoint=...}: a blob store URI on this server. */
    public URI blobUri(String bucket, String prefix) {
        return URI.create("s3://" + bucket + "/" + prefix + "?endpoint=" + endpoint + "&region=us-east-1");
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }

    /** {@code S3ProxyServer DIR BUCKET...}: prints "s3proxy ENDPOINT" once serving, then serves until killed. */
    public static void main(String[] args) throws Exception {
        String[] buckets = java.util.Arrays.copyOfRange(args, 1, args.length);
        S3ProxyServer server = start(Path.of(args[0]), buckets);
        System.out.println("s3proxy " + server.endpoint());
        System.out.flush();
        Thread.currentThread().join();
    }
}
