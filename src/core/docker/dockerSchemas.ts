// The JSON the docker CLI prints, validated on arrival: `docker version --format '{{json .}}'`,
// `docker container inspect` and `docker image inspect`. Docker and Podman's compatible API both print these
// shapes; fields Modelport does not read are let through untouched.
import { z } from 'zod';

export const versionSchema = z
  .object({
    Client: z.object({ Version: z.string() }).loose().nullish(),
    Server: z
      .object({ Version: z.string(), Components: z.array(z.object({ Name: z.string(), Version: z.string() }).loose()).nullish() })
      .loose()
      .nullish(),
  })
  .loose();

const portBindingSchema = z.object({ HostIp: z.string().optional(), HostPort: z.string() }).loose();

export const containerInspectSchema = z.array(
  z
    .object({
      Id: z.string(),
      Name: z.string().optional(),
      State: z
        .object({
          Status: z.string(),
          Running: z.boolean(),
          ExitCode: z.number().int(),
          OOMKilled: z.boolean().optional(),
          Error: z.string().optional(),
          Health: z.object({ Status: z.string() }).loose().nullish(),
        })
        .loose(),
      Config: z.object({ Labels: z.record(z.string(), z.string()).nullish() }).loose().optional(),
      NetworkSettings: z.object({ Ports: z.record(z.string(), z.array(portBindingSchema).nullish()).nullish() }).loose().optional(),
    })
    .loose(),
);

export const imageInspectSchema = z.array(
  z
    .object({
      Id: z.string(),
      RepoTags: z.array(z.string()).nullish(),
      RootFS: z.object({ Layers: z.array(z.string()).nullish() }).loose().optional(),
      Config: z.object({ Labels: z.record(z.string(), z.string()).nullish() }).loose().nullish(),
    })
    .loose(),
);

export type DockerVersion = z.output<typeof versionSchema>;
export type ContainerInspect = z.output<typeof containerInspectSchema>[number];
export type ImageInspect = z.output<typeof imageInspectSchema>[number];
