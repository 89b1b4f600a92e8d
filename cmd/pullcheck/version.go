package main

import "runtime/debug"

// readBuildInfo is debug.ReadBuildInfo; tests replace it to inject a
// version.
var readBuildInfo = debug.ReadBuildInfo

// toolVersion returns pullcheck's version: the main module's version in the
// build info, so that go install ...@v0.3.0 gives v0.3.0 and a local build
// its pseudo-version, or (devel) when the build recorded none.
func toolVersion() string {
	info, ok := readBuildInfo()
	if !ok || info == nil || info.Main.Version == "" {
		return "(devel)"
	}
	return info.Main.Version
}
