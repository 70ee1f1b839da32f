"use client";

import { useCallback, useMemo, useState } from "react";
import type { z } from "zod";
import { apiFieldErrors, type FieldErrors, zodFieldErrors } from "@/lib/http/form-errors";

/**
 * The field errors of one form, from its zod schema before sending and from the API after: the
 * browser checks what it can, the server has the final word, and both land on the same fields
 * (`_form` for what belongs to no field).
 *
 *   const form = useZodForm(updateJobSchema);
 *   const data = form.validate(input);
 *   if (data) mutation.mutate(data, { onError: form.showApiError });
 */
export function useZodForm<TSchema extends z.ZodType>(schema: TSchema) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const validate = useCallback(
    (input: unknown): z.output<TSchema> | null => {
      const parsed = schema.safeParse(input);
      setErrors(parsed.success ? {} : zodFieldErrors(parsed.error));
      return parsed.success ? parsed.data : null;
    },
    [schema],
  );
  const showApiError = useCallback((error: unknown) => setErrors(apiFieldErrors(error)), []);
  const clearErrors = useCallback(() => setErrors({}), []);
  return useMemo(() => ({ errors, validate, showApiError, clearErrors }), [errors, validate, showApiError, clearErrors]);
}
