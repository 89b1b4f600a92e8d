package main

import "runtime/debug"

// version, when set at link time (go build -ldflags "-X main.version=v0.3.0"),
// is pullcheck's version whatever the build info says. The GitHub Action sets
// it to the action's ref: it builds from a copy of the repository that has no
// version control information.
var version string

// readBuildInfo is debug.ReadBuildInfo; tests replace it to inject a
// version.
var readBuildInfo = debug.ReadBuildInfo

// toolVersion returns pullcheck's version: version when set, else the main
// module's version in the build info, so that go install ...@v0.3.0 gives
// v0.3.0 and a build of a git checkout its pseudo-version, or (devel) when
// the build recorded none.
func toolVersion() string {
	if version != "" {
		return version
	}
	info, ok := readBuildInfo()
	if !ok || info == nil || info.Main.Version == "" {
		return "(devel)"
	}
	return info.Main.Version
}

// reportVersion is the version the reports carry (the JSON report's
// toolVersion, SARIF's tool.driver.version): toolVersion, but none for a
// build that recorded no version, so that a (devel) build's reports, the
// tests' golden outputs among them, hold no version at all.
func reportVersion() string {
	if v := toolVersion(); v != "(devel)" {
		return v
	}
	return ""
}
