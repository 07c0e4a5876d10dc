module aftershock.dev/triggers

go 1.19
