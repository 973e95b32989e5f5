/** A blob store on Amazon S3 or an S3-compatible server ({@code s3://BUCKET/PREFIX}), over the AWS SDK for Java v2. */
module org.modelheritage.storage.s3 {
    requires transitive org.modelheritage.core;
    requires org.slf4j;
    requires software.amazon.awssdk.services.s3;
    requires software.amazon.awssdk.core;
    requires software.amazon.awssdk.regions;
    requires software.amazon.awssdk.http;
    requires software.amazon.awssdk.http.urlconnection;

    exports org.modelheritage.store.s3;

    provides org.modelheritage.store.BlobStoreProvider with org.modelheritage.store.s3.S3BlobStoreProvider;
}
