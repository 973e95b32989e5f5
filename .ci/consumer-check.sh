#!/usr/bin/env bash
# Builds the published artifacts (BOM, parent, heritage-core, heritage-storage-jdbc) into a
# temporary file repository, then builds and runs .ci/consumer against them, on the class path
# and on the module path (no --add-modules or other flags). Nothing is written into ~/.m2: both
# builds use a local repository of their own and read third-party artifacts from ~/.m2 as a
# file repository, so no network is needed once the main build has run.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
work="$(mktemp -d /tmp/heritage-consumer.XXXXXX)"
trap 'rm -rf "$work"' EXIT
m2="${MAVEN_LOCAL_REPOSITORY:-$HOME/.m2/repository}"

# Maven settings for both builds: a local repository of their own (so nothing is written into
# ~/.m2), third-party artifacts read from ~/.m2 as a file repository, and the artifacts under
# test from the temporary repository.
cat > "$work/settings.xml" <<XML
<settings>
  <localRepository>$work/m2</localRepository>
  <mirrors>
    <mirror><id>m2-cache</id><mirrorOf>*,!heritage-tmp</mirrorOf><url>file://$m2</url></mirror>
  </mirrors>
  <profiles>
    <profile><id>heritage-tmp</id>
      <repositories>
        <repository><id>heritage-tmp</id><url>file://$work/repo</url>
          <releases><enabled>false</enabled></releases><snapshots><enabled>true</enabled></snapshots></repository>
      </repositories>
    </profile>
  </profiles>
  <activeProfiles><activeProfile>heritage-tmp</activeProfile></activeProfiles>
</settings>
XML

# The plugins a deploy uses beyond verify's (maven-deploy-plugin), fetched into ~/.m2 if missing.
mvn -B -q dependency:resolve-plugins -pl heritage-core > /dev/null

# 1. The artifacts, as a deploy publishes them (tests and javadoc skipped: the main build ran them).
mvn -B -q -s "$work/settings.xml" deploy -DskipTests -Dmaven.javadoc.skip=true -Denforcer.skip=true \
    -Dmdep.analyze.skip=true -Dmaven.install.skip=true -DaltDeploymentRepository="heritage-tmp::file://$work/repo" \
    -pl heritage-bom,heritage-core,heritage-storage-jdbc -am

# 2. The consumer, built from those artifacts alone.
cp -r "$root/.ci/consumer" "$work/consumer"
(cd "$work/consumer" && mvn -B -q -s "$work/settings.xml" package)

# 3. Run it both ways.
cd "$work/consumer/target"
java -cp "consumer.jar:lib/*" org.modelheritage.consumer.Main "$work/run-classpath"
java -p "consumer.jar:lib" -m org.modelheritage.consumer/org.modelheritage.consumer.Main "$work/run-modulepath"
