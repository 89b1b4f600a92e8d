// Command peer synthesizes the stacks of privatepull's synth benchmarks (see
// internal/peer and .ci/bench), like app.go does the default app:
//
//	peer                # stack Peer: the default app written by hand with plain CDK L2 constructs
//	peer -services N    # stack Services: N privatepull.FargateService sharing one Endpoints
//
// Like any CDK app it reads its context from CDK_CONTEXT_JSON and writes to
// CDK_OUTDIR, both set by the CDK CLI (or by .ci/bench).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/privatepull/privatepull/internal/peer"
)

func main() {
	services := flag.Int("services", 0, "synthesize a privatepull stack with this many services instead of the hand-written peer")
	flag.Parse()
	if *services < 0 || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: peer [-services N]")
		os.Exit(2)
	}
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	if *services > 0 {
		peer.NewServicesStack(app, "Services", *services)
	} else {
		peer.NewStack(app, "Peer")
	}
	app.Synth(nil)
}
