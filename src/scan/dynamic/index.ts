// The dynamic phase: boot the image in an isolated network namespace, port-scan it from outside,
// audit it from inside. (Filled in once the qemu boot helpers of src/vm/ are available.)
import type { DynamicRunner } from "../index.js";
import { RefusedError } from "../../util/diagnostic.js";

export const dynamicRunner: DynamicRunner = async () => {
  throw new RefusedError("booting the image for the dynamic checks is not implemented yet; use --static-only");
};
