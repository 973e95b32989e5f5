package org.modelheritage.store.s3;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.modelheritage.store.BlobStore;
import org.modelheritage.store.BlobStoreProvider;
import org.modelheritage.store.StoreException;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * {@code s3://BUCKET[/PREFIX][?endpoint=URL&region=R&pathStyle=true|false]}: blobs in an S3 bucket.
 * Credentials come from the SDK's default chain (environment, system properties, profile files,
 * container or instance roles), never from the URI. {@code endpoint} points at an S3-compatible
 * server (MinIO, Ceph, s3proxy...); path-style addressing is then the default. {@code region}
 * defaults to the SDK's region chain, or {@code us-east-1} with an endpoint. The bucket must exist.
 */
public final class S3BlobStoreProvider implements BlobStoreProvider {

    @Override
    public String name() {
        return "s3";
    }

    @Override
    public String uriSyntax() {
        return "s3://BUCKET/PREFIX?endpoint=URL&region=R";
    }

    @Override
    public boolean accepts(URI uri) {
        return "s3".equalsIgnoreCase(uri.getScheme());
    }

    @Override
    public BlobStore open(URI uri, Map<String, String> options) {
        String bucket = uri.getHost() != null ? uri.getHost() : uri.getAuthority();
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("an S3 blob store needs a bucket: s3://BUCKET/PREFIX, got " + uri);
        }
        String prefix = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/+", "");
        Map<String, String> params = new HashMap<>(query(uri));
        params.putAll(options);
        S3ClientBuilder builder = S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder());
        String endpoint = params.get("endpoint");
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint))
                    .forcePathStyle(Boolean.parseBoolean(params.getOrDefault("pathStyle", "true")))
                    // S3-compatible servers do not all know the newer integrity checksums
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        } else if (params.containsKey("pathStyle")) {
            builder.forcePathStyle(Boolean.parseBoolean(params.get("pathStyle")));
        }
        if (params.containsKey("region")) {
            builder.region(Region.of(params.get("region")));
        } else if (endpoint != null) {
            builder.region(Region.US_EAST_1);
        }
        String description = "s3://" + bucket + "/" + prefix + (endpoint == null ? "" : " at " + endpoint);
        S3Client s3;
        try {
            s3 = builder.build();
        } catch (SdkException e) {
            throw new StoreException("cannot open " + description + ": " + e.getMessage(), e);
        }
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (SdkException e) {
            s3.close();
            throw new StoreException("cannot open " + description + ": " + e.getMessage(), e);
        }
        return new S3BlobStore(s3, bucket, prefix, description);
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> out = new HashMap<>();
        String q = uri.getRawQuery();
        if (q == null || q.isEmpty()) {
            return out;
        }
        for (String pair : q.split("&")) {
            String[] kv = pair.split("=", 2);
            out.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return out;
    }
}
