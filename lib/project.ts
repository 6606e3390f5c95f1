/** The Pulumi project name (Pulumi.yaml), which is also the namespace of every stack config key. */
export const PROJECT = "app-platform";
