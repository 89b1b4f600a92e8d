package main

import (
	"runtime/debug"

	"github.com/privatepull/privatepull/internal/buildinfo"
)

// version, when set at link time (go build -ldflags "-X main.version=v0.3.0"),
// is pullcheck's version whatever the build info says. The GitHub Action sets
// it to the action's ref: it builds from a copy of the repository that has no
// version control information.
var version string

// toolVersion returns pullcheck's version: version when set, else the one the
// build info records (see buildinfo.Version).
func toolVersion() string {
	if version != "" {
		return version
	}
	return buildinfo.Version(debug.ReadBuildInfo())
}

// reportVersion is the version the reports carry (the JSON report's
// toolVersion, SARIF's tool.driver.version): toolVersion, but none for a
// build that recorded no version, so that a (devel) build's reports, the
// tests' golden outputs among them, hold no version at all.
func reportVersion() string {
	if v := toolVersion(); v != buildinfo.Devel {
		return v
	}
	return ""
}
