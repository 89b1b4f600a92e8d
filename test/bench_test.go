package test

import (
	"strconv"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/privatepull/privatepull/constructs/pullapp"
	"github.com/privatepull/privatepull/internal/peer"
)

// Synth benchmarks: go test ./test -run '^$' -bench . -benchtime 1x
//
// Each iteration builds a fresh App (an App synthesizes once) with cdk.json's
// context and the built-in CloudFormation validation on, as `cdk synth`
// does, and synthesizes it. Before the timer starts, each benchmark builds and
// synthesizes its tree warmUps times untimed, so ns/op is close to the
// steady-state cost of one synth in a warm jsii kernel (modules loaded and
// JIT-compiled, validation engine started);
// .ci/bench measures whole processes, start-up included.
//
// Ratios are reported as extra metrics when their base ran earlier in the
// same process: BenchmarkSynthServices/N=10 and N=30 report x-N=1, and
// BenchmarkSynthPeer reports default/peer.

// synthNs holds each benchmark's ns/op, by name, for the ratio metrics.
var synthNs = map[string]float64{}

// warmed records which benchmarks have had their untimed warm-up synths.
var warmed = map[string]bool{}

// warmUps is how many untimed synths precede a benchmark's timed ones: the
// first pays the validation engine's start-up for the tree's resource types,
// the second still runs colder JavaScript than later ones.
const warmUps = 2

// benchSynth times build+synth of a fresh App b.N times and returns ns/op.
func benchSynth(b *testing.B, build func(app awscdk.App)) float64 {
	b.Helper()
	once := func() {
		app := newApp(nil, true)
		build(app)
		app.Synth(nil)
	}
	for i := 0; i < warmUps && !warmed[b.Name()]; i++ {
		if err := catch(once); err != nil {
			b.Fatalf("warm-up synth: %v", err)
		}
	}
	warmed[b.Name()] = true
	b.ResetTimer()
	for range b.N {
		if err := catch(once); err != nil {
			b.Fatalf("synth: %v", err)
		}
	}
	b.StopTimer()
	ns := float64(b.Elapsed()) / float64(b.N)
	synthNs[b.Name()] = ns
	b.ReportMetric(ns/1e9, "s/synth")
	return ns
}

// BenchmarkSynthDefaultApp is the default app: pullapp.Build (cdk-nag, the
// pull-path validation plugin, the image asset, the deploy-time prefix-list
// lookup) on a fresh App.
func BenchmarkSynthDefaultApp(b *testing.B) {
	benchSynth(b, func(app awscdk.App) {
		if _, err := pullapp.Build(app); err != nil {
			panic(err)
		}
	})
}

// BenchmarkSynthServices is N privatepull services sharing one Endpoints in
// one stack (peer.NewServicesStack).
func BenchmarkSynthServices(b *testing.B) {
	for _, n := range []int{1, 10, 30} {
		b.Run("N="+strconv.Itoa(n), func(b *testing.B) {
			ns := benchSynth(b, func(app awscdk.App) { peer.NewServicesStack(app, "Services", n) })
			if one, ok := synthNs["BenchmarkSynthServices/N=1"]; ok && n > 1 {
				b.ReportMetric(ns/one, "x-N=1")
			}
		})
	}
}

// BenchmarkSynthPeer is the default app written by hand with plain CDK L2
// constructs (peer.NewStack): what a user would write instead.
func BenchmarkSynthPeer(b *testing.B) {
	ns := benchSynth(b, func(app awscdk.App) { peer.NewStack(app, "Peer") })
	if def, ok := synthNs["BenchmarkSynthDefaultApp"]; ok {
		b.ReportMetric(def/ns, "default/peer")
	}
}

// BenchmarkSynthDefaultAppWithoutRules is the default app without the
// pull-path rules plugin (cdk-nag kept): the difference to
// BenchmarkSynthDefaultApp is what registering the rules costs a synth.
func BenchmarkSynthDefaultAppWithoutRules(b *testing.B) {
	benchSynth(b, func(app awscdk.App) {
		cfg, err := pullapp.ConfigFromContext(app.Node())
		if err != nil {
			panic(err)
		}
		awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true), Reports: jsii.Bool(false)}), nil)
		if _, err := pullapp.NewStack(app, pullapp.StackId, cfg); err != nil {
			panic(err)
		}
	})
}
