<?php
// Prints "ok" or "bad" per argument: whether Composer's own parser (composer/semver, as
// Debian's composer package ships it) accepts the argument as a version constraint.
require '/usr/share/php/Composer/Semver/autoload.php';
$parser = new Composer\Semver\VersionParser();
foreach (array_slice($argv, 1) as $constraint) {
    try { $parser->parseConstraints($constraint); echo "ok\n"; } catch (\Throwable $e) { echo "bad\n"; }
}
