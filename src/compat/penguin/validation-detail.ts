import type { ConnectError } from "@connectrpc/connect";
import type { FieldViolation } from "../../../gen/floe/v1/common_pb.js";
import { FieldViolation_Kind, RequestError_Reason, requestErrorOf } from "../../services/request-errors.js";

/** One entry of FastAPI's 422 `detail` list (pydantic v1 style, as FastAPI before pydantic 2 answers). */
export interface ValidationItem {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** pydantic v1's message and type for a value of the wrong JSON type, by the type expected. */
const WRONG_TYPE: Record<string, [msg: string, type: string]> = {
  string: ["str type expected", "type_error.str"],
  integer: ["value is not a valid integer", "type_error.integer"],
  number: ["value is not a valid float", "type_error.float"],
  boolean: ["value could not be parsed to a boolean", "type_error.bool"],
  object: ["value is not a valid dict", "type_error.dict"],
  array: ["value is not a valid list", "type_error.list"],
};

function item(v: FieldViolation): ValidationItem {
  const loc = [v.location || "body", ...(v.field ? [v.field] : [])];
  if (v.kind === FieldViolation_Kind.MISSING) return { loc, msg: "field required", type: "value_error.missing" };
  const wrong = v.kind === FieldViolation_Kind.WRONG_TYPE ? WRONG_TYPE[v.expectedType] : undefined;
  if (wrong) return { loc, msg: wrong[0], type: wrong[1] };
  return { loc, msg: v.description, type: "value_error" };
}

/**
 * FastAPI's body for a request that fails validation: `detail` is a list of
 * `{loc, msg, type}`, which Penguin's clients parse. Floe's own words stay
 * in `msg` where pydantic has none of its own; JSON that does not parse
 * points at the character where it broke, as FastAPI does.
 */
export function validationDetail(err: ConnectError): ValidationItem[] {
  const re = requestErrorOf(err);
  if (re?.fieldViolations.length) return re.fieldViolations.map(item);
  if (re?.reason === RequestError_Reason.MALFORMED_BODY) {
    const pos = /position (\d+)/.exec(err.rawMessage)?.[1];
    const type = /JSON/.test(err.rawMessage) ? "value_error.jsondecode" : "value_error";
    return [{ loc: ["body", ...(pos ? [Number(pos)] : [])], msg: err.rawMessage, type }];
  }
  return [{ loc: ["body"], msg: err.rawMessage, type: "value_error" }];
}
