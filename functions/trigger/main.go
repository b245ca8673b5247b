// Command trigger is the Lambda function serving POST /respond/trigger.
package main

import (
	"github.com/aws-vpc-flow-relay/relay/pkg/boot"
	"github.com/aws-vpc-flow-relay/relay/pkg/routes"
)

func main() { boot.Lambda(routes.Trigger) }
