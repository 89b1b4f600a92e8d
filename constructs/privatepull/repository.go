package privatepull

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecr"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// RepositoryProps configures NewRepository.
type RepositoryProps struct {
	// RepositoryName is the repository's name.
	//
	// Default: a name CloudFormation generates.
	RepositoryName *string
	// KeepImages is how many images the lifecycle policy keeps.
	//
	// Default: 50.
	KeepImages *float64
	// UntaggedDays is after how many days untagged images expire.
	//
	// Default: 14.
	UntaggedDays *float64
}

// NewRepository creates a private ECR repository that meets Security Hub's
// ECR controls: scan on push (ECR.1), immutable tags (ECR.2) and a lifecycle
// policy (ECR.3). With immutable tags, deploy by a tag used once (a release
// version) or, better, by digest: a tag like "latest" cannot be pushed twice.
// The repository is kept when the stack is deleted.
func NewRepository(scope constructs.Construct, id *string, props *RepositoryProps) awsecr.Repository {
	if props == nil {
		props = &RepositoryProps{}
	}
	keep, days := orNumber(props.KeepImages, 50), orNumber(props.UntaggedDays, 14)
	if *keep < 1 || *keep != float64(int64(*keep)) {
		panic(errorf("RepositoryProps.KeepImages", num(*keep), "a whole number, 1 or more"))
	}
	if *days < 1 || *days != float64(int64(*days)) {
		panic(errorf("RepositoryProps.UntaggedDays", num(*days), "a whole number of days, 1 or more"))
	}
	repo := awsecr.NewRepository(scope, id, &awsecr.RepositoryProps{
		RepositoryName:     props.RepositoryName,
		ImageScanOnPush:    jsii.Bool(true),
		ImageTagMutability: awsecr.TagMutability_IMMUTABLE,
		RemovalPolicy:      awscdk.RemovalPolicy_RETAIN,
	})
	repo.AddLifecycleRule(&awsecr.LifecycleRule{
		Description:  jsii.String("expire untagged images"),
		TagStatus:    awsecr.TagStatus_UNTAGGED,
		MaxImageAge:  awscdk.Duration_Days(days),
		RulePriority: jsii.Number(1),
	})
	repo.AddLifecycleRule(&awsecr.LifecycleRule{
		Description:   jsii.String("keep the newest images"),
		TagStatus:     awsecr.TagStatus_ANY,
		MaxImageCount: keep,
		RulePriority:  jsii.Number(2),
	})
	return repo
}
