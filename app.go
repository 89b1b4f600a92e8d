// Command privatepull is the CDK app of this repository: `cdk synth` runs it
// (see cdk.json). Context keys configure it; see README.md.
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/privatepull/privatepull/constructs/pullapp"
)

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	if _, err := pullapp.Build(app); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	app.Synth(nil)
}
