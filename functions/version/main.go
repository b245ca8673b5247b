// Command version is the Lambda function serving POST /version.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/aws-vpc-flow-relay/relay/pkg/boot"
	"github.com/aws-vpc-flow-relay/relay/pkg/lambdaapi"
	"github.com/aws-vpc-flow-relay/relay/pkg/routes"
)

func main() {
	r, err := boot.FromEnv()
	if err != nil {
		boot.Fatal(err)
	}
	lambda.Start(lambdaapi.Handler(r.Router(routes.VersionRoute())))
}
