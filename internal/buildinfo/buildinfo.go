// Package buildinfo tells a command's version from the build information the
// Go toolchain records.
package buildinfo

import "runtime/debug"

// Devel is the version of a build that recorded none.
const Devel = "(devel)"

// Version returns the main module's version in info (ok false: the binary has
// no build information), so that go install ...@v0.3.0 gives v0.3.0 and a
// build of a git checkout its pseudo-version, or Devel when the build
// recorded none.
func Version(info *debug.BuildInfo, ok bool) string {
	if !ok || info == nil || info.Main.Version == "" {
		return Devel
	}
	return info.Main.Version
}
